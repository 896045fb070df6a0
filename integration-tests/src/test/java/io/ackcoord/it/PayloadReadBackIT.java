package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ackcoord.consumer.IncomingMessage;
import io.ackcoord.consumer.handler.ResultTopicHandler;
import io.ackcoord.testkit.KafkaBroker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Topic 1 holds the payload (decision 014): A keeps a message's position once its send is confirmed and reads the
 * bytes back to re-send or dead-letter it; topic 1's retention must allow for that.
 */
class PayloadReadBackIT extends AckLoopTest {

  /** NACKs attempts 1 and 2 retryably and keeps the payload each attempt brought. */
  static final class RememberingHandler extends ResultTopicHandler {
    final Map<String, List<String>> seen = new ConcurrentHashMap<>();

    @Override
    public Future<Void> handle(IncomingMessage message) {
      seen.computeIfAbsent(message.id(), id -> java.util.Collections.synchronizedList(new ArrayList<>()))
          .add(new String(message.payload(), StandardCharsets.UTF_8));
      if (message.attempt() < 3) {
        return Future.failedFuture(new IllegalStateException("not yet (attempt " + message.attempt() + ")"));
      }
      return super.handle(message);
    }
  }

  @Test
  @DisplayName("every re-send carries the payload read back from topic 1, byte for byte, and is processed once")
  void resendsCarryThePayload(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    RememberingHandler handler = new RememberingHandler();
    loop.deployConsumer(handler, new JsonObject());
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 120_000).put("retry.delay.ms", 100));
    Map<String, String> bodies = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      // Sizes from a few bytes to 30 KB, so records of one fetch differ in size and some span fetch boundaries.
      bodies.put("m-" + i, new JsonObject().put("n", i).put("pad", "é".repeat(i * i * 16)).encode());
    }
    List<Future<?>> posts = new ArrayList<>();
    bodies.forEach((id, body) -> posts.add(loop.post(body, Map.of("X-Ackcoord-Id", id)).map(r -> {
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
      return r;
    })));
    AckLoop.await(Future.all(posts));

    await().atMost(Duration.ofSeconds(60)).until(() -> loop.stat("acked") == bodies.size());
    bodies.forEach((id, body) -> assertThat(handler.seen.get(id)).as(id).containsExactly(body, body, body));
    assertThat(loop.effects()).hasSize(bodies.size()).allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
  }

  @Test
  @DisplayName("a record deleted from topic 1 before its re-send dead-letters the message, saying why")
  void deletedRecordDeadLetters(Vertx vertx, KafkaBroker broker, TestInfo info) throws Exception {
    AckLoop loop = loop(vertx, broker, info);
    // No B: nothing answers, so the message is re-sent at its deadline, 2 s after the send.
    loop.deployProducer(new JsonObject());
    String id = loop.submit(1).get(0);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", loop.bootstrap))) {
      String topic = loop.topics.messages();
      Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic)).allTopicNames()
          .get(30, TimeUnit.SECONDS).get(topic).partitions().stream()
          .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
      Map<TopicPartition, RecordsToDelete> everything = new HashMap<>();
      admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
          .forEach((tp, end) -> everything.put(tp, RecordsToDelete.beforeOffset(end.offset())));
      admin.deleteRecords(everything).all().get(30, TimeUnit.SECONDS);
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("deadLettered") == 1);
    assertThat(loop.records(loop.topics.messages())).as("no copy was sent without its payload").isEmpty();
    JsonObject message = loop.message(id).bodyAsJsonObject();
    assertThat(message.getString("state")).isEqualTo("DEAD_LETTERED");
    assertThat(message.getString("reason")).startsWith("cannot re-send: the record at ").contains("was deleted");
    List<ConsumerRecord<String, byte[]>> letters = loop.records(loop.topics.deadLetters());
    assertThat(letters).hasSize(1);
    assertThat(new String(letters.get(0).headers().lastHeader("ackcoord-dead-letter-reason").value(),
        StandardCharsets.UTF_8)).contains("payload not included");
  }

  @Test
  @DisplayName("A refuses to start on a topic 1 that deletes records sooner than a re-send may need them")
  void shortRetentionRefused(Vertx vertx, KafkaBroker broker, TestInfo info) throws Exception {
    AckLoop loop = loop(vertx, broker, info);
    createMessagesTopic(loop, "60000");

    assertThatThrownBy(() -> loop.deployProducer(new JsonObject()))
        .hasMessageContaining("keeps records for retention.ms=60000")
        .hasMessageContaining("ack.extension.total.max.ms");
  }

  @Test
  @DisplayName("a caller's own timeout is refused when topic 1 would not keep the record for as long as it may wait")
  void callerTimeoutWithinRetention(Vertx vertx, KafkaBroker broker, TestInfo info) throws Exception {
    AckLoop loop = loop(vertx, broker, info);
    createMessagesTopic(loop, "300000");
    loop.deployProducer(new JsonObject().put("ack.extension.total.max.ms", 10_000)
        .put("retry.backoff.max.ms", 30_000));

    assertThat(AckLoop.await(loop.post("{}", Map.of("X-Ackcoord-Timeout-Ms", "60000"))).statusCode())
        .isEqualTo(202);
    // 290 s + 10 s of extensions + the largest re-send delay (200 ms × 1.5^9 ≈ 7.7 s) > 300 s
    var refused = AckLoop.await(loop.post("{}", Map.of("X-Ackcoord-Timeout-Ms", "290000")));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.bodyAsString()).contains("topic 1's retention.ms");
  }

  private static void createMessagesTopic(AckLoop loop, String retentionMs) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", loop.bootstrap))) {
      admin.createTopics(List.of(new NewTopic(loop.topics.messages(), 3, (short) 1)
          .configs(Map.of("retention.ms", retentionMs)))).all().get(30, TimeUnit.SECONDS);
    }
  }
}

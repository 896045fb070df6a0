package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.consumer.IncomingMessage;
import io.ackcoord.consumer.NonRetryableException;
import io.ackcoord.consumer.handler.ResultTopicHandler;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.Reply;
import io.ackcoord.testkit.KafkaBroker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Handler failures, garbage on both topics, and the event-bus caller's view of success and dead letters. */
class FailuresIT extends AckLoopTest {



  /** Fails attempts 1 and 2 retryably, succeeds on 3; payloads containing "fatal" fail for good. */
  static final class FlakyHandler extends ResultTopicHandler {
    @Override
    public Future<Void> handle(IncomingMessage message) {
      if (new String(message.payload(), StandardCharsets.UTF_8).contains("fatal")) {
        throw new NonRetryableException("payload can never be processed");
      }
      if (message.attempt() < 3) {
        return Future.failedFuture(new IllegalStateException("database busy (attempt " + message.attempt() + ")"));
      }
      return super.handle(message);
    }
  }

  @Test
  @DisplayName("a failing handler NACKs; A re-sends after the backoff, not the timeout, and attempt 3 succeeds")
  void retryableFailureThenSuccess(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    loop.deployConsumer(new FlakyHandler(), new JsonObject());
    // A timeout far beyond the test's patience: only the NACK path can finish in time.
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 120_000).put("retry.delay.ms", 100));

    List<String> ids = loop.submit(5);
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("acked") == ids.size());

    JsonObject status = loop.status();
    assertThat(status.getLong("nacks")).isEqualTo(2L * ids.size());
    assertThat(status.getLong("retries")).isEqualTo(2L * ids.size());
    assertThat(loop.message(ids.get(0)).bodyAsJsonObject().getJsonArray("attempts").getJsonObject(0)
        .getString("outcome")).startsWith("nack: ").contains("database busy (attempt 1)");
    assertThat(loop.effects().values()).hasSize(ids.size()).allMatch(c -> c == 1);
  }

  @Test
  @DisplayName("a non-retryable failure is dead-lettered at once, and the event-bus caller is told why")
  void nonRetryableFailure(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    loop.deployConsumer(new FlakyHandler(), new JsonObject());
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 120_000));

    DeliveryOptions wait = new DeliveryOptions().setSendTimeout(30_000);
    Throwable failure = AckLoop.await(vertx.eventBus()
        .request("ackcoord.producer.send", new JsonObject().put("payload", "fatal"), wait)
        .transform(ar -> Future.succeededFuture(ar.cause())));

    assertThat(failure).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(410);
    assertThat(failure.getMessage()).startsWith("non-retryable NACK: ").contains("payload can never be processed");
    JsonObject status = loop.status();
    assertThat(status.getLong("deadLettered")).isEqualTo(1);
    assertThat(status.getLong("retries")).isZero();
    assertThat(loop.records(loop.topics.deadLetters())).hasSize(1);
  }

  @Test
  @DisplayName("an event-bus caller's reply comes when the message is ACKed")
  void eventBusRoundTrip(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    loop.deployConsumer(null, new JsonObject());
    loop.deployProducer(new JsonObject());

    JsonObject reply = AckLoop.await(vertx.eventBus()
        .<JsonObject>request("ackcoord.producer.send",
            new JsonObject().put("payload", new JsonObject().put("order", 42)).put("id", "order-42"),
            new DeliveryOptions().setSendTimeout(30_000))).body();

    assertThat(reply.getString("id")).isEqualTo("order-42");
    assertThat(reply.getString("state")).isEqualTo("ACKED");
    assertThat(loop.effects()).containsOnlyKeys("order-42");
  }

  @Test
  @DisplayName("garbage written straight into topic 1 and topic 2 is counted and parked; real traffic flows on")
  void garbageOnBothTopics(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    loop.deployConsumer(null, new JsonObject());
    loop.deployProducer(new JsonObject());
    int replyPartition = loop.status().getInteger("replyPartition");

    loop.produceRaw(loop.topics.messages(), null, null, "not an envelope".getBytes(StandardCharsets.UTF_8));
    loop.produceRaw(loop.topics.acks(), replyPartition, "junk",
        "{\"v\":1,\"type\":\"MAYBE\"}".getBytes(StandardCharsets.UTF_8));
    List<String> ids = loop.submit(10);

    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("acked") == ids.size());
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("invalidReplies") == 1);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(loop.records(loop.topics.poison())).hasSize(2));
    assertThat(loop.effects()).hasSize(ids.size());
  }

  @Test
  @DisplayName("an invalid entry in a reply batch is counted; the batch's valid replies are applied, nothing parked")
  void invalidEntryInBatch(Vertx vertx, KafkaBroker broker, TestInfo info) throws Exception {
    AckLoop loop = loop(vertx, broker, info);
    loop.deployProducer(new JsonObject());
    int replyPartition = loop.status().getInteger("replyPartition");
    List<String> ids = loop.submit(2);
    String producer = "a-it"; // AckLoop.producerConfig
    // The proofs of the attempts' receipts, read from topic 1 as B reads them: without them A takes no reply.
    Map<String, Long> proofs = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : loop.records(loop.topics.messages())) {
      proofs.put(r.key(), Reply.proof(EnvelopeCodec.fromRecord(r).receipt(), Reply.Type.ACK));
    }

    String batch = "{\"v\":2,\"producer\":\"" + producer + "\",\"consumer\":\"b\",\"at\":1,\"replies\":["
        + "{\"type\":\"ACK\",\"id\":\"" + ids.get(0) + "\",\"attempt\":1,\"proof\":"
        + proofs.get(ids.get(0)) + "},"
        + "{\"type\":\"MAYBE\",\"id\":\"x\",\"attempt\":1},"
        + "{\"type\":\"ACK\",\"id\":\"" + ids.get(1) + "\",\"attempt\":1,\"proof\":"
        + proofs.get(ids.get(1)) + "}]}";
    loop.produceRaw(loop.topics.acks(), replyPartition, producer, batch.getBytes(StandardCharsets.UTF_8));

    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("acked") == 2);
    assertThat(loop.stat("invalidReplies")).isEqualTo(1);
    assertThat(loop.stat("pending")).isZero();
    assertThat(loop.records(loop.topics.poison())).isEmpty();
  }

  @Test
  @DisplayName("a reply from another producer is counted, not taken as this A's")
  void foreignReplyIgnored(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    loop.deployProducer(new JsonObject());
    int replyPartition = loop.status().getInteger("replyPartition");
    String id = loop.submit(1).get(0);

    Reply foreign = new Reply(Reply.Type.ACK, id, "someone-else", 1, "b", 0, null, false, 0);
    loop.produceRaw(loop.topics.acks(), replyPartition, id, io.ackcoord.protocol.ReplyCodec.encode(foreign));

    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("foreignReplies") == 1);
    assertThat(loop.stat("pending")).isEqualTo(1);
  }
}

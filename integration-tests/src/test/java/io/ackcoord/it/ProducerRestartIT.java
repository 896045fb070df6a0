package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.testkit.KafkaBroker;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** A restarted A resumes from its checkpoint, the topics since, and the reply position it names. */
class ProducerRestartIT extends AckLoopTest {

  private final List<Vertx> extra = new ArrayList<>();

  @AfterEach
  void closeExtraVertx() {
    extra.forEach(v -> AckLoop.await(v.close()));
  }

  private Vertx newVertx() {
    Vertx v = Vertx.vertx();
    extra.add(v);
    return v;
  }

  @Test
  @DisplayName("messages pending when A stops are resumed by the next A, and ACKs sent meanwhile are applied without a re-send")
  void resumesPendingAndRepliesSentWhileDown(Vertx vertx, KafkaBroker broker, TestInfo info) {
    loop(vertx, broker, info);
    // Long timeout: any re-send in this test would be a failure to pick up the replies.
    JsonObject aConfig = new JsonObject().put("ack.timeout.ms", 120_000);
    Vertx firstA = newVertx();
    loop.deployProducer(firstA, aConfig);
    String b = loop.deployConsumer(null, new JsonObject());
    List<String> early = loop.submit(5);
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("acked") == early.size());

    loop.undeploy(b);
    List<String> pending = loop.submit(20);
    assertThat(loop.stat("pending")).isEqualTo(pending.size());
    // Let the reply position of the early ACKs be committed (every second) before A goes.
    await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> true);
    AckLoop.await(firstA.close());

    // A is down: B processes the backlog and ACKs into A's reply partition.
    loop.deployConsumer(null, new JsonObject());
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.effects().size() == early.size() + pending.size());

    loop.deployProducer(newVertx(), aConfig);
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("acked") == pending.size());
    JsonObject status = loop.status();
    assertThat(status.getLong("recovered")).isEqualTo(pending.size());
    assertThat(status.getLong("pending")).isZero();
    assertThat(status.getLong("retries")).isZero();
    assertThat(status.getLong("forgedReplies")).as("the receipts' secrets came back with the ledger").isZero();
    assertThat(loop.effects().values()).allMatch(c -> c == 1);
  }

  @Test
  @DisplayName("what A accepted or dead-lettered after its last checkpoint comes back from topic 1 and the "
      + "dead-letter topic; a forged record naming A does not")
  void recoversWhatFollowedTheCheckpoint(Vertx vertx, KafkaBroker broker, TestInfo info) {
    loop(vertx, broker, info);
    // One checkpoint at start-up, none after: all that follows is found by reading the topics.
    JsonObject aConfig = new JsonObject().put("ledger.checkpoint.interval.ms", 60_000)
        .put("ack.timeout.ms", 120_000).put("retry.max.attempts", 1);
    Vertx firstA = newVertx();
    loop.deployProducer(firstA, aConfig);
    List<String> pending = loop.submit(10);
    List<String> dead = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      dead.add(AckLoop.await(loop.post("{\"short\":" + i + "}", Map.of("X-Ackcoord-Timeout-Ms", "300")))
          .bodyAsJsonObject().getString("id"));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("deadLettered") == dead.size()
        && loop.records(loop.topics.deadLetters()).size() == dead.size());
    // Someone with write access to topic 1 but without A's key plants a message in A's name.
    long now = System.currentTimeMillis();
    loop.produceRaw(EnvelopeCodec.toRecord(loop.topics.messages(), new Envelope("forged-1", "a-it", 1, now, now,
        0, 1000, null, "{}".getBytes(StandardCharsets.UTF_8), 12345)));
    AckLoop.await(firstA.close());

    loop.deployProducer(newVertx(), aConfig);
    JsonObject status = loop.status();
    assertThat(status.getLong("recovered")).isEqualTo(pending.size());
    assertThat(status.getLong("pending")).isEqualTo(pending.size());
    assertThat(loop.message("forged-1").statusCode()).isEqualTo(404);
    loop.deployConsumer(null, new JsonObject());
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("acked") == pending.size());
    // B processes every record of topic 1 (also the dead-lettered and the forged one): A's books are what count here.
    assertThat(loop.effects().keySet()).containsAll(pending);
    assertThat(loop.effects().values()).allMatch(c -> c == 1);
    assertThat(loop.stat("pending")).isZero();
    assertThat(loop.stat("retries")).isZero();
    assertThat(loop.records(loop.topics.deadLetters())).as("not dead-lettered twice").hasSize(dead.size());
  }

  @Test
  @DisplayName("an A upgraded on a ledger written by the previous version restores those entries and sends them")
  void restoresVersion1LedgerEntries(Vertx vertx, KafkaBroker broker, TestInfo info) {
    loop(vertx, broker, info);
    loop.deployConsumer(null, new JsonObject());
    // What the previous build wrote for three pending messages of a-it (reply partition 1, so ledger partition 1):
    // eight readable headers each, deadlines already past.
    long now = System.currentTimeMillis();
    List<String> ids = List.of("old-1", "old-2", "old-3");
    for (String id : ids) {
      ProducerRecord<String, byte[]> entry = new ProducerRecord<>(loop.topics.ledger(), 1, "a-it|" + id,
          ("{\"was\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
      Map.of("ackcoord-ledger-version", "1", "ackcoord-id", id, "ackcoord-producer", "a-it",
          "ackcoord-attempt", "2", "ackcoord-created-at", Long.toString(now - 60_000),
          "ackcoord-sent-at", Long.toString(now - 30_000), "ackcoord-timeout-ms", "2000",
          "ackcoord-deadline", Long.toString(now - 1_000), "content-type", "application/json")
          .forEach((name, value) -> entry.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
      loop.produceRaw(entry);
    }

    loop.deployProducer(new JsonObject().put("ack.reply.partition", 1));
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("acked") == ids.size());
    assertThat(loop.status().getLong("recovered")).isEqualTo(ids.size());
    assertThat(loop.effects().keySet()).containsExactlyInAnyOrderElementsOf(ids);
    // Re-sent as attempt 3 (or later, on a slow machine), in the compact envelope.
    assertThat(loop.records(loop.topics.messages())).isNotEmpty().allSatisfy(r -> {
      assertThat(Integer.parseInt(EnvelopeCodec.optional(r.headers(), EnvelopeCodec.ATTEMPT)))
          .isGreaterThanOrEqualTo(3);
      assertThat(r.headers().lastHeader(EnvelopeCodec.HEADER)).isNotNull();
    });
  }

  @Test
  @DisplayName("an A restarted while B is still down re-sends its recovered messages when their deadlines pass")
  void resumedMessagesAreRetried(Vertx vertx, KafkaBroker broker, TestInfo info) {
    loop(vertx, broker, info);
    JsonObject aConfig = new JsonObject().put("ack.timeout.ms", 500);
    Vertx firstA = newVertx();
    loop.deployProducer(firstA, aConfig);
    List<String> ids = loop.submit(10);
    AckLoop.await(firstA.close());

    loop.deployProducer(newVertx(), aConfig);
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("retries") >= ids.size());
    loop.deployConsumer(null, new JsonObject());
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("acked") == ids.size());
    assertThat(loop.effects().keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(loop.effects().values()).allMatch(c -> c == 1);
  }

  @Test
  @DisplayName("two As sharing a reply and ledger partition each restore only their own messages and apply only "
      + "their own ACKs")
  void sharedPartitionKeepsProducersApart(Vertx vertx, KafkaBroker broker, TestInfo info) {
    loop(vertx, broker, info);
    // Both on partition 1 of topic 2 (so of the ledger too); no re-send may happen in this test.
    JsonObject x = new JsonObject().put("producer.id", "a-x").put("ack.reply.partition", 1)
        .put("ack.timeout.ms", 120_000);
    JsonObject y = x.copy().put("producer.id", "a-y");
    Vertx xVertx = newVertx();
    loop.deployProducer(xVertx, x);
    List<String> ofX = loop.submit(7);
    Vertx yVertx = newVertx();
    loop.deployProducer(yVertx, y);
    List<String> ofY = loop.submit(4);
    AckLoop.await(xVertx.close());
    AckLoop.await(yVertx.close());

    // a-y comes back alone and finds only its own entries in the shared ledger partition.
    Vertx yAgain = newVertx();
    loop.deployProducer(yAgain, y);
    assertThat(loop.status().getLong("recovered")).isEqualTo(ofY.size());
    assertThat(loop.stat("pending")).isEqualTo(ofY.size());

    // B answers all eleven: a-y applies its four and skips a-x's seven, which are neither unknown nor invalid.
    loop.deployConsumer(null, new JsonObject());
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("acked") == ofY.size()
        && loop.stat("foreignReplies") == ofX.size());
    JsonObject status = loop.status();
    assertThat(status.getLong("pending")).isZero();
    assertThat(status.getLong("unknownAcks")).isZero();
    assertThat(status.getLong("invalidReplies")).isZero();
    assertThat(status.getJsonArray("foreignProducers")).containsExactly("a-x");
    AckLoop.await(yAgain.close());

    // a-x comes back: its own seven from the ledger, and the ACKs sent to them while it was down.
    loop.deployProducer(newVertx(), x);
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("acked") == ofX.size());
    status = loop.status();
    assertThat(status.getLong("recovered")).isEqualTo(ofX.size());
    assertThat(status.getLong("retries")).isZero();
    assertThat(status.getLong("unknownAcks")).isZero();
    assertThat(loop.effects().keySet()).containsExactlyInAnyOrderElementsOf(
        java.util.stream.Stream.concat(ofX.stream(), ofY.stream()).toList());
  }

  @Test
  @DisplayName("with the broker unreachable A starts anyway: /health DOWN, submissions 503, then it connects")
  void startsWithoutBroker(Vertx vertx, KafkaBroker broker, TestInfo info) {
    loop(vertx, broker, info);
    loop.deployProducer(new JsonObject().put("kafka.bootstrap.servers", "127.0.0.1:1"));

    var health = loop.get("/health");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.bodyAsJsonObject().getString("reason")).contains("127.0.0.1:1");
    var refused = AckLoop.await(loop.post("{}", java.util.Map.of()));
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.getHeader("Retry-After")).isNotNull();
  }
}

package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.protocol.ProcessedMarker;
import io.ackcoord.protocol.ProcessedMarker.Marked;
import io.ackcoord.testkit.KafkaBroker;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Records forged on topic 2 and on {@code <prefix>processed} by someone who can write there but not read topic 1,
 * written with a plain Kafka producer: none of them may lose a message.
 */
class ForgedRecordsIT extends AckLoopTest {

  private static final String MARKER_KEY = "a-secret-every-B-of-the-group-shares";

  @Test
  @DisplayName("a forged ACK and IN_PROGRESS for a pending id are counted and ignored: the message is re-sent "
      + "and processed")
  void forgedRepliesIgnored(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 1500));
    int replyPartition = loop.status().getInteger("replyPartition");
    String id = loop.submit(1).get(0);

    // What a writer who can guess ids but not read topic 1 can send: no proof, or a made-up one.
    String batch = "{\"v\":2,\"producer\":\"a-it\",\"consumer\":\"evil\",\"at\":1,\"replies\":["
        + "{\"type\":\"ACK\",\"id\":\"" + id + "\",\"attempt\":1},"
        + "{\"type\":\"ACK\",\"id\":\"" + id + "\",\"attempt\":1,\"proof\":4242424242}]}";
    loop.produceRaw(loop.topics.acks(), replyPartition, "a-it", batch.getBytes(StandardCharsets.UTF_8));
    String hold = "{\"v\":1,\"type\":\"IN_PROGRESS\",\"id\":\"" + id + "\",\"producer\":\"a-it\",\"attempt\":1,"
        + "\"extendMs\":86400000}";
    loop.produceRaw(loop.topics.acks(), replyPartition, id, hold.getBytes(StandardCharsets.UTF_8));

    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("forgedReplies") == 3);
    assertThat(loop.stat("acked")).isZero();
    // A day's IN_PROGRESS, had it been taken, would hold the message: the timeout re-sends it instead.
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("retries") >= 1);

    loop.deployConsumer(null, new JsonObject());
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("acked") == 1);
    assertThat(loop.effects()).containsExactly(Map.entry(id, 1));
    assertThat(loop.get("/metrics").bodyAsString()).contains("ackcoord_replies_forged_total");
  }

  @Test
  @DisplayName("with dedupe.marker.key set, forged processed markers (v1, v2, v3 with a wrong MAC) do not make B "
      + "skip the message")
  void forgedMarkersIgnored(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    JsonObject onePartition = new JsonObject().put("topic.partitions", 1);
    loop.deployProducer(onePartition);
    String id = "order-forged-1";
    String processed = loop.topics.processed();
    loop.produceRaw(processed, 0, id, "{\"v\":1}".getBytes(StandardCharsets.UTF_8));
    loop.produceRaw(processed, 0, "evil#1", ("{\"v\":2,\"consumer\":\"evil\",\"at\":1,\"ids\":[\"" + id + "\"]}")
        .getBytes(StandardCharsets.UTF_8));
    ProducerRecord<String, byte[]> wrongMac = ProcessedMarker.toRecord(processed, 0, "evil#2",
        List.of(new Marked(id, 123456789L)), "evil", 1);
    loop.produceRaw(wrongMac);

    loop.deployConsumer(null, onePartition.copy().put("dedupe.marker.key", MARKER_KEY));
    assertThat(loop.post("{\"order\":1}", Map.of("X-Ackcoord-Id", id))
        .toCompletionStage().toCompletableFuture().join().statusCode()).isEqualTo(202);

    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("acked") == 1);
    assertThat(loop.effects()).as("the handler ran: its result is there").containsExactly(Map.entry(id, 1));
    // B's own marker for it is signed, so a restarted B would skip a re-send.
    assertThat(loop.records(processed)).last().satisfies(r ->
        assertThat(ProcessedMarker.ids(r.key(), r.value())).singleElement()
            .satisfies(m -> assertThat(m.id()).isEqualTo(id))
            .satisfies(m -> assertThat(m.mac()).isNotZero()));
  }
}

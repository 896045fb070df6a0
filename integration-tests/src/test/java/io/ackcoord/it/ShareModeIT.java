package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.consumer.ConsumerVerticle;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.ManagedProcess;
import io.ackcoord.testkit.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * B in a share group ({@code consumer.mode = share}) against the real broker: more Bs than partitions all work, a
 * handler slower than the broker's lock keeps its record, and A stays the one that re-sends.
 */
class ShareModeIT extends AckLoopTest {

  @TempDir
  Path dir;

  private ManagedProcess process;

  @AfterEach
  void killProcess() {
    if (process != null && process.isAlive()) {
      process.kill();
    }
  }

  private static JsonObject share(String instance) {
    return new JsonObject()
        .put("consumer.mode", "share")
        .put("consumer.instance.id", instance);
  }

  @Test
  @DisplayName("six Bs on three partitions: every B processes records, every message is ACKed and has one effect")
  void sixBsOnThreePartitions(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    List<ConsumerVerticle> bs = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      // A few records per poll and some work per record, so no one B takes everything before the others join.
      bs.add(loop.deployConsumer(share("b" + i).put("handler.work.ms", 100)
          .put("kafka.consumer.properties", new JsonObject().put("max.poll.records", 3))));
    }
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 30_000));

    List<String> ids = loop.submit(300);
    await().atMost(Duration.ofSeconds(90)).until(() -> loop.stat("acked") == 300);

    assertThat(bs).as("records processed per B: %s", bs.stream().map(b -> b.stats().processed()).toList())
        .allSatisfy(b -> assertThat(b.stats().processed()).isPositive());
    assertThat(bs.stream().mapToLong(b -> b.stats().processed()).sum()).isEqualTo(300);
    assertThat(loop.stat("retries")).isZero();
    assertOneEffectEach(loop, ids);
  }

  @Test
  @DisplayName("a handler slower than the record lock: B renews the lock, each record is processed once, never redelivered")
  void handlerOutlivesTheLock(Vertx vertx, KafkaBroker broker, TestInfo info) throws Exception {
    AckLoop loop = loop(vertx, broker, info);
    lockFor(loop, broker, 2_000);
    // Envelopes written straight to one partition of topic 1, all there before B polls: its first poll takes them
    // all, so the renewals are all that happen (records arriving meanwhile wait in the client, see ShareLoop).
    loop.undeploy(loop.deployConsumer(null, share("creates-the-topics")));
    List<String> ids = List.of("slow-1", "slow-2", "slow-3");
    for (String id : ids) {
      long now = System.currentTimeMillis();
      Envelope e = new Envelope(id, "a-test", 1, now, now, 0, 60_000, "text/plain",
          id.getBytes(StandardCharsets.UTF_8));
      ProducerRecord<String, byte[]> r = EnvelopeCodec.toRecord(loop.topics.messages(), e);
      loop.produceRaw(new ProducerRecord<>(r.topic(), 0, r.key(), r.value(), r.headers()));
    }
    ConsumerVerticle b = loop.deployConsumer(share("b1").put("handler.work.ms", 5_000));

    await().atMost(Duration.ofSeconds(90)).until(() -> b.stats().acksSent() == 3);
    assertThat(b.stats().processed()).isEqualTo(3);
    assertThat(b.stats().redelivered()).as("records delivered again").isZero();
    assertThat(b.stats().effectsRefused()).isZero();
    assertOneEffectEach(loop, ids);
    // Accepted for good once the ACKs were durable: a new member of the group gets nothing.
    ConsumerVerticle late = loop.deployConsumer(share("b2"));
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
        .until(() -> late.stats().received() == 0 && b.stats().redelivered() == 0);
  }

  @Test
  @DisplayName("a B killed with SIGKILL mid-stream: the broker's redelivery is not processed, A re-sends, none lost")
  void killedMidStream(Vertx vertx, KafkaBroker broker, TestInfo info) throws Exception {
    AckLoop loop = loop(vertx, broker, info);
    // The killed B's locks lapse after 3 s and the broker delivers its records again, before A's 6 s deadline.
    lockFor(loop, broker, 3_000);
    int port = Ports.free();
    process = ConsumerProcess.start(dir, "b-killed", loop.consumerConfig(share("b-killed")
        .put("handler.work.ms", 500).put("http.port", port)
        .put("kafka.consumer.properties", new JsonObject().put("max.poll.records", 10))), Duration.ofSeconds(120));
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 6_000));
    List<String> ids = loop.submit(40);
    await().atMost(Duration.ofSeconds(60)).until(() -> status(port).getLong("inFlight") > 0);

    process.kill();
    ConsumerVerticle survivor = loop.deployConsumer(share("b-survivor").put("handler.work.ms", 500)
        .put("kafka.consumer.properties", new JsonObject().put("max.poll.records", 10)));
    await().atMost(Duration.ofSeconds(120)).until(() -> loop.stat("acked") == ids.size());

    assertThat(loop.stat("pending")).isZero();
    assertThat(loop.stat("deadLettered")).isZero();
    assertThat(loop.stat("retries")).as("A re-sent what the killed B held").isPositive();
    assertThat(survivor.stats().redelivered()).as("the broker delivered the killed B's records again").isPositive();
    Map<String, Integer> effects = loop.effects();
    assertThat(effects.keySet()).as("every message has its effect: lost 0").containsExactlyInAnyOrderElementsOf(ids);
  }

  private JsonObject status(int port) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/status")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new JsonObject(response.body());
  }

  private static void assertOneEffectEach(AckLoop loop, List<String> ids) {
    Map<String, Integer> effects = loop.effects();
    assertThat(effects.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(effects.values()).allMatch(c -> c == 1);
  }

  /** Sets the test's share group's record lock (the local broker allows down to 1 s). */
  private static void lockFor(AckLoop loop, KafkaBroker broker, long millis) throws Exception {
    String group = loop.consumerConfig(new JsonObject()).getString("consumer.group.id");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
      admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
          new ConfigEntry("share.record.lock.duration.ms", Long.toString(millis)), AlterConfigOp.OpType.SET))))
          .all().get(30, TimeUnit.SECONDS);
    }
  }
}

package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.testkit.KafkaBroker;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** A's HTTP API against a real broker: input checks, per-message timeouts, lookups, live config reload. */
class ProducerApiIT extends AckLoopTest {


  @AfterEach
  void clearConfigPath() {
    System.clearProperty("vertx-config-path");
  }

  @Test
  @DisplayName("bad submissions get 400/409/413 with a message, and nothing is sent")
  void badInput(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    loop.deployProducer(new JsonObject().put("message.max.bytes", 100));

    var notJson = AckLoop.await(loop.post("{not json", Map.of()));
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.bodyAsJsonObject().getString("error")).contains("not valid JSON");

    var tooBig = AckLoop.await(loop.post("\"" + "x".repeat(200) + "\"", Map.of()));
    assertThat(tooBig.statusCode()).isEqualTo(413);
    assertThat(tooBig.bodyAsJsonObject().getString("error")).contains("100 bytes");

    var badTimeout = AckLoop.await(loop.post("{}", Map.of("X-Ackcoord-Timeout-Ms", "-3")));
    assertThat(badTimeout.statusCode()).isEqualTo(400);
    assertThat(badTimeout.bodyAsJsonObject().getString("error")).contains("-3");

    var badId = AckLoop.await(loop.post("{}", Map.of("X-Ackcoord-Id", "has spaces")));
    assertThat(badId.statusCode()).isEqualTo(400);

    var first = AckLoop.await(loop.post("{}", Map.of("X-Ackcoord-Id", "order-1")));
    assertThat(first.statusCode()).isEqualTo(202);
    var again = AckLoop.await(loop.post("{}", Map.of("X-Ackcoord-Id", "order-1")));
    assertThat(again.statusCode()).isEqualTo(409);

    assertThat(loop.stat("sent")).isEqualTo(1);
    assertThat(loop.records(loop.topics.messages())).hasSize(1);
    assertThat(loop.message("nope").statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("a caller's own timeout applies to that message only")
  void perMessageTimeout(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 60_000));

    var quick = AckLoop.await(loop.post("{}", Map.of("X-Ackcoord-Timeout-Ms", "300"))).bodyAsJsonObject();
    loop.submit(1);

    await().atMost(Duration.ofSeconds(20)).until(() -> loop.stat("retries") >= 2);
    JsonObject msg = loop.message(quick.getString("id")).bodyAsJsonObject();
    assertThat(msg.getLong("timeoutMs")).isEqualTo(300);
    assertThat(msg.getJsonArray("attempts").size()).isGreaterThanOrEqualTo(3);
    assertThat(loop.stat("pending")).isEqualTo(2);
  }

  @Test
  @DisplayName("a change of ack.timeout.ms in the watched config file applies to timers armed after it")
  void configReload(Vertx vertx, KafkaBroker broker, TestInfo info, @TempDir Path dir) throws Exception {
    AckLoop loop = loop(vertx, broker, info);
    Path file = dir.resolve("producer-a.json");
    JsonObject config = loop.producerConfig(new JsonObject().put("ack.timeout.ms", 60_000)
        .put("config.scan.period.ms", 200));
    Files.writeString(file, config.encodePrettily());
    System.setProperty("vertx-config-path", file.toString());
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 60_000).put("config.scan.period.ms", 200));

    String before = loop.submit(1).get(0);
    Files.writeString(file, config.copy().put("ack.timeout.ms", 400).encodePrettily());
    await().atMost(Duration.ofSeconds(20)).until(() ->
        loop.status().getJsonObject("config").getLong("ack.timeout.ms") == 400);
    assertThat(loop.status().getLong("configReloadedAt")).isPositive();
    String after = loop.submit(1).get(0);

    await().atMost(Duration.ofSeconds(20)).until(() ->
        loop.message(after).bodyAsJsonObject().getJsonArray("attempts").size() >= 2);
    assertThat(loop.message(before).bodyAsJsonObject().getJsonArray("attempts")).hasSize(1);
  }
}

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
    var tooQuick = AckLoop.await(loop.post("{}", Map.of("X-Ackcoord-Timeout-Ms", "1")));
    assertThat(tooQuick.statusCode()).as("below ack.timeout.min.ms").isEqualTo(400);
    assertThat(tooQuick.bodyAsJsonObject().getString("error")).contains("[100, 86400000]");

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
  @DisplayName("a batch: each item answered on its own in request order, the good ones sent and ACKed")
  void batch(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    loop.deployConsumer(null, new JsonObject());
    loop.deployProducer(new JsonObject().put("message.max.bytes", 100));

    String items = "[{\"id\":\"b-1\",\"payload\":{\"n\":1}},"
        + "{\"id\":\"b-2\",\"payload\":\"two\",\"timeoutMs\":5000},"
        + "{\"id\":\"b-1\",\"payload\":{\"n\":3}},"
        + "{\"id\":\"no good\",\"payload\":4},"
        + "{\"id\":\"b-5\",\"payload\":\"" + "x".repeat(200) + "\"}]";
    var response = AckLoop.await(loop.postBatch(items, "application/json"));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getInteger("accepted")).isEqualTo(2);
    assertThat(body.getInteger("failed")).isEqualTo(3);
    assertThat(body.getJsonArray("results").stream().map(o -> ((JsonObject) o).getInteger("status")).toList())
        .containsExactly(202, 202, 409, 400, 413);

    var ndjson = AckLoop.await(loop.postBatch("{\"id\":\"b-6\",\"payload\":6}\n", "application/x-ndjson"));
    assertThat(ndjson.bodyAsJsonObject().getInteger("accepted")).isEqualTo(1);
    var notABatch = AckLoop.await(loop.postBatch("{\"payload\":1}", "application/json"));
    assertThat(notABatch.statusCode()).isEqualTo(400);

    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("acked") == 3);
    assertThat(loop.records(loop.topics.messages())).hasSize(3);
    assertThat(loop.message("b-2").bodyAsJsonObject().getLong("timeoutMs")).isEqualTo(5000);
    assertThat(loop.effects().keySet()).containsExactlyInAnyOrder("b-1", "b-2", "b-6");
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

package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.KafkaBrokerExtension;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/** The API behind the status page, against a real broker: paging, errors, metrics, health, B's stats stream. */
@ExtendWith({VertxExtension.class, KafkaBrokerExtension.class})
class StatusApiIT {

  private AckLoop loop;

  @AfterEach
  void close() {
    if (loop != null) {
      loop.close();
    }
  }

  @Test
  @DisplayName("pending messages page with a cursor, oldest first; bad parameters get 400, unknown ids 404")
  void pagingAndErrors(Vertx vertx, KafkaBroker broker, TestInfo info) {
    loop = new AckLoop(vertx, broker, info.getTestMethod().orElseThrow().getName());
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 60_000));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.addAll(loop.submit(1)); // one by one, so accept order is submission order
    }

    JsonObject first = loop.get("/api/messages?state=pending&limit=3").bodyAsJsonObject();
    assertThat(first.getLong("total")).isEqualTo(5);
    assertThat(first.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("id")))
        .containsExactlyElementsOf(ids.subList(0, 3));
    JsonObject second = loop.get("/api/messages?state=pending&limit=3&cursor=" + first.getString("nextCursor"))
        .bodyAsJsonObject();
    assertThat(second.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("id")))
        .containsExactlyElementsOf(ids.subList(3, 5));
    assertThat(second.getString("nextCursor")).isNull();

    var bad = loop.get("/api/messages?state=pending&limit=lots");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("error")).contains("invalid limit 'lots'");
    assertThat(loop.get("/api/messages?cursor=x").statusCode()).isEqualTo(400);
    assertThat(loop.get("/api/messages?state=stuck").statusCode()).isEqualTo(400);
    assertThat(loop.get("/api/messages/no-such-id").statusCode()).isEqualTo(404);
    var unknownPath = loop.get("/api/nothing-here");
    assertThat(unknownPath.statusCode()).isEqualTo(404);
    assertThat(unknownPath.bodyAsJsonObject().getString("error")).contains("/api/nothing-here");
  }

  @Test
  @DisplayName("B's figures reach A over the stats topic; /metrics and /health report A's state")
  void consumerStatsMetricsHealth(Vertx vertx, KafkaBroker broker, TestInfo info) {
    loop = new AckLoop(vertx, broker, info.getTestMethod().orElseThrow().getName());
    loop.deployConsumer(null, new JsonObject().put("consumer.instance.id", "b-stats"));
    loop.deployProducer(new JsonObject());
    loop.submit(7);
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("acked") == 7);

    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      JsonObject consumers = loop.status().getJsonObject("consumers");
      assertThat(consumers.getInteger("up")).isEqualTo(1);
      assertThat(consumers.getJsonObject("total").getLong("processed")).isEqualTo(7);
      assertThat(consumers.getJsonArray("instances").getJsonObject(0).getString("consumerId")).isEqualTo("b-stats");
    });

    String metrics = loop.get("/metrics").bodyAsString();
    assertThat(metrics).contains("ackcoord_messages_acked_total{producer=\"a-it\"} 7.0")
        .contains("ackcoord_messages_pending{producer=\"a-it\"} 0.0")
        .contains("ackcoord_ack_latency_seconds_count{producer=\"a-it\"} 7")
        .contains("ackcoord_ack_latency_seconds_bucket");

    var health = loop.get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    JsonObject body = health.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("UP");
    assertThat(body.getJsonArray("checks").stream().map(o -> ((JsonObject) o).getString("id")))
        .containsExactlyInAnyOrder("kafka", "replies");

    var page = loop.get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("Content-Security-Policy")).contains("default-src 'self'");
    String chart = page.bodyAsString().replaceAll("(?s).*<script src=\"(/webjars/[^\"]+)\".*", "$1");
    assertThat(loop.get(chart).statusCode()).as("chart library served by A at %s", chart).isEqualTo(200);
  }

  @Test
  @DisplayName("forged reports on the stats topic (wrong types, nulls, garbage) leave /api/status answering 200")
  void forgedStatsReports(Vertx vertx, KafkaBroker broker, TestInfo info) {
    loop = new AckLoop(vertx, broker, info.getTestMethod().orElseThrow().getName());
    loop.deployProducer(new JsonObject());
    String stats = loop.topics.stats();
    loop.produceRaw(stats, null, "b-forged", ("{\"consumerId\":\"b-forged\",\"stopped\":\"yes\",\"processed\":null,"
        + "\"at\":\"now\",\"assignedPartitions\":\"all\",\"inFlight\":-1}").getBytes(StandardCharsets.UTF_8));
    loop.produceRaw(stats, null, "b-null", "{\"consumerId\":null,\"processed\":5}".getBytes(StandardCharsets.UTF_8));
    loop.produceRaw(stats, null, "junk", "[1,2".getBytes(StandardCharsets.UTF_8));

    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      var response = loop.get("/api/status");
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject consumers = response.bodyAsJsonObject().getJsonObject("consumers");
      assertThat(consumers.getJsonArray("instances")).hasSize(1);
      JsonObject forged = consumers.getJsonArray("instances").getJsonObject(0);
      assertThat(forged.getString("consumerId")).isEqualTo("b-forged");
      assertThat(forged.getString("state")).isEqualTo("up");
      assertThat(forged.getLong("processed")).isZero();
      assertThat(consumers.getLong("refused")).isEqualTo(1);
    });
  }
}

package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.consumer.ConsumerVerticle;
import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.KafkaBrokerExtension;
import io.ackcoord.testkit.Ports;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /health/live} and {@code GET /health/ready} of A and B against the real broker: live answers whenever
 * the process does, ready only once the verticle would do its work.
 */
@ExtendWith({VertxExtension.class, KafkaBrokerExtension.class})
class ProbesIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private AckLoop loop;

  @AfterEach
  void tearDown() {
    if (loop != null) {
      loop.close();
    }
  }

  @Test
  @DisplayName("A without a broker: live 200, ready 503 with kafka, ledger and replies DOWN and the reason")
  void producerNotReadyWithoutKafka(Vertx vertx, KafkaBroker broker, TestInfo info) {
    loop = new AckLoop(vertx, broker, info.getDisplayName());
    loop.deployProducer(new JsonObject().put("kafka.bootstrap.servers", "127.0.0.1:1"));

    assertThat(loop.get("/health/live").statusCode()).isEqualTo(200);
    assertThat(loop.get("/health/live").bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "UP"));
    HttpResponse<Buffer> ready = loop.get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject body = ready.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("DOWN");
    assertThat(body.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("status").equals("DOWN")).map(c -> c.getString("id")))
        .containsExactlyInAnyOrder("kafka", "ledger", "replies");
    assertThat(check(body, "kafka").getString("reason")).contains("127.0.0.1:1");
  }

  @Test
  @DisplayName("A with the broker: ready 200 once connected, reply partition assigned and ledger restored")
  void producerReadyWhenConnected(Vertx vertx, KafkaBroker broker, TestInfo info) {
    loop = new AckLoop(vertx, broker, info.getDisplayName());
    loop.deployProducer(new JsonObject());

    HttpResponse<Buffer> ready = loop.get("/health/ready");
    assertThat(ready.statusCode()).as(ready.bodyAsString()).isEqualTo(200);
    assertThat(ready.bodyAsJsonObject().getJsonArray("checks").stream().map(JsonObject.class::cast)
        .map(c -> c.getString("id") + "=" + c.getString("status")))
        .containsExactly("kafka=UP", "ledger=UP", "replies=UP", "accepting=UP");
    assertThat(loop.get("/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("B without a partition: live 200, ready 503 (partitions DOWN); ready 200 once it gets one")
  void consumerReadyOncePartitionsAssigned(Vertx vertx, KafkaBroker broker, TestInfo info) {
    loop = new AckLoop(vertx, broker, info.getDisplayName());
    // One partition, two Bs: the second B has none until the first leaves the group.
    JsonObject common = new JsonObject().put("topic.partitions", 1)
        .put("kafka.consumer.properties", new JsonObject().put("session.timeout.ms", 6_000)
            .put("heartbeat.interval.ms", 1_000));
    int port1 = Ports.free();
    int port2 = Ports.free();
    String first = deployB(vertx, common.copy().put("consumer.instance.id", "b1").put("http.port", port1));
    WebClient web = WebClient.create(vertx);
    await().until(() -> get(web, port1, "/health/ready").statusCode() == 200);
    deployB(vertx, common.copy().put("consumer.instance.id", "b2").put("http.port", port2));

    assertThat(get(web, port2, "/health/live").statusCode()).isEqualTo(200);
    HttpResponse<Buffer> notReady = get(web, port2, "/health/ready");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(check(notReady.bodyAsJsonObject(), "partitions").getString("status")).isEqualTo("DOWN");
    assertThat(check(notReady.bodyAsJsonObject(), "subscribed").getString("status")).isEqualTo("UP");

    loop.undeploy(first);
    await().until(() -> get(web, port2, "/health/ready").statusCode() == 200);
    assertThat(get(web, port2, "/health/ready").bodyAsJsonObject().getString("status")).isEqualTo("UP");
  }

  private String deployB(Vertx vertx, JsonObject overrides) {
    return AckLoop.await(vertx.deployVerticle(new ConsumerVerticle(),
        new DeploymentOptions().setConfig(loop.consumerConfig(overrides))));
  }

  private static HttpResponse<Buffer> get(WebClient web, int port, String path) {
    return AckLoop.await(web.get(port, "127.0.0.1", path).send());
  }

  private static JsonObject check(JsonObject body, String id) {
    return body.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("id").equals(id)).findFirst().orElseThrow();
  }

  private static org.awaitility.core.ConditionFactory await() {
    return Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(250));
  }
}

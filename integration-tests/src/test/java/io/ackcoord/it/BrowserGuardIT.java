package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.consumer.ConsumerVerticle;
import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.KafkaBrokerExtension;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A and B, running against the real broker, refuse what a web page could make the operator's browser send them:
 * any request naming a foreign {@code Host} (DNS rebinding), and state changes from another origin or in a form any
 * page can send. Nothing refused reaches Kafka.
 */
@ExtendWith({VertxExtension.class, KafkaBrokerExtension.class})
class BrowserGuardIT extends AckLoopTest {

  private static final List<String> A_ROUTES = List.of("/", "/assets/app.js", "/api/status", "/api/messages",
      "/api/messages/m-1", "/api/events", "/metrics", "/health", "/no-such-route");
  private static final List<String> B_ROUTES = List.of("/health", "/api/status", "/no-such-route");

  @Test
  @DisplayName("Host: evil.example gets 403 on every route of A and B, reads and writes alike")
  void foreignHostIsRefusedEverywhere(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    int b = deployB(vertx, loop);
    loop.deployProducer(new JsonObject());
    int a = Integer.parseInt(loop.baseUrl().substring(loop.baseUrl().lastIndexOf(':') + 1));
    WebClient web = WebClient.create(vertx);
    try {
      for (String path : A_ROUTES) {
        assertThat(status(web.get(a, "127.0.0.1", path).virtualHost("evil.example"))).as("A GET " + path)
            .isEqualTo(403);
        if (!path.equals("/api/events")) { // a stream: its answer never ends
          assertThat(status(web.get(a, "127.0.0.1", path))).as("A GET " + path + " by address").isNotEqualTo(403);
        }
      }
      for (String path : B_ROUTES) {
        assertThat(status(web.get(b, "127.0.0.1", path).virtualHost("evil.example"))).as("B GET " + path)
            .isEqualTo(403);
        assertThat(status(web.get(b, "127.0.0.1", path))).as("B GET " + path + " by address").isNotEqualTo(403);
      }
      for (String path : List.of("/api/messages", "/api/messages/batch")) {
        HttpRequest<Buffer> post = web.request(HttpMethod.POST, a, "127.0.0.1", path).virtualHost("evil.example")
            .putHeader("Content-Type", "application/json").putHeader("X-Ackcoord-Id", "rebound");
        assertThat(status(post, "[{\"id\":\"rebound\",\"payload\":1}]")).as("A POST " + path).isEqualTo(403);
      }
      assertThat(loop.stat("sent")).isZero();
    } finally {
      web.close();
    }
  }

  @Test
  @DisplayName("a POST from another origin, or one any page can send, is refused and never reaches topic 1")
  void crossSiteSubmissionsAreRefused(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    loop.deployProducer(new JsonObject());
    // What fetch(..., {mode: "no-cors"}), a form or sendBeacon on a page elsewhere produce.
    List<Map<String, String>> forged = List.of(
        Map.of("Content-Type", "text/plain;charset=UTF-8", "Origin", "http://evil.example",
            "Sec-Fetch-Site", "cross-site"),
        Map.of("Content-Type", "application/x-www-form-urlencoded", "Origin", "null"),
        Map.of("Content-Type", "text/plain"),
        Map.of("Content-Type", "application/json", "Origin", "http://evil.example", "X-Ackcoord-Id", "squat"));
    for (Map<String, String> headers : forged) {
      var response = AckLoop.await(loop.post("{\"amount\":1}", headers));
      assertThat(response.statusCode()).as(headers.toString()).isEqualTo(403);
    }
    assertThat(loop.records(loop.topics.messages())).isEmpty();
    assertThat(loop.stat("sent")).isZero();
    assertThat(loop.message("squat").statusCode()).as("the id was not squatted").isEqualTo(404);

    // The same origin and API clients still get in.
    var sameOrigin = AckLoop.await(loop.post("{}", Map.of("Origin", loop.baseUrl(), "Sec-Fetch-Site", "same-origin",
        "X-Ackcoord-Id", "squat")));
    assertThat(sameOrigin.statusCode()).isEqualTo(202);
  }

  private static int deployB(Vertx vertx, AckLoop loop) {
    ConsumerVerticle b = new ConsumerVerticle();
    AckLoop.await(vertx.deployVerticle(b,
        new DeploymentOptions().setConfig(loop.consumerConfig(new JsonObject().put("http.port", 0)))));
    return b.actualHttpPort();
  }

  private static int status(HttpRequest<Buffer> request) {
    return AckLoop.await(request.send()).statusCode();
  }

  private static int status(HttpRequest<Buffer> request, String body) {
    return AckLoop.await(request.sendBuffer(Buffer.buffer(body))).statusCode();
  }
}

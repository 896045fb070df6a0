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
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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

  /** Paths no route has: the guard runs ahead of routing, so they are refused too. */
  private static final List<String> UNROUTED = List.of("/no-such-route", "/api/no-such-route");
  /** Routes every A has: if enumerating the router stopped finding them, the test would prove nothing. */
  private static final List<String> A_KNOWN = List.of("GET /", "GET /api/status", "GET /api/messages",
      "GET /api/messages/x1", "GET /api/events", "GET /metrics", "GET /health", "POST /api/messages",
      "POST /api/messages/batch");

  @Test
  @DisplayName("Host: evil.example gets 403 on every route of A and B, reads and writes alike")
  void foreignHostIsRefusedEverywhere(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    ConsumerVerticle b = deployB(vertx, loop);
    loop.deployProducer(new JsonObject());
    int a = Integer.parseInt(loop.baseUrl().substring(loop.baseUrl().lastIndexOf(':') + 1));
    // Every route of A and B, read from their routers, so a route added later is covered with no change here.
    List<String> aRoutes = requests(loop.producerRoutes());
    assertThat(aRoutes).containsAll(A_KNOWN);
    List<String> bRoutes = requests(b.httpRoutes());
    assertThat(bRoutes).contains("GET /health", "GET /api/status");
    WebClient web = WebClient.create(vertx);
    try {
      checkRefused(web, "A", a, aRoutes);
      checkRefused(web, "B", b.actualHttpPort(), bRoutes);
      assertThat(loop.stat("sent")).isZero();
    } finally {
      web.close();
    }
  }

  // Each route (and each unrouted path) with Host: evil.example gets 403; its GETs by address do not.
  private static void checkRefused(WebClient web, String server, int port, List<String> routes) {
    List<String> requests = new ArrayList<>(routes);
    UNROUTED.forEach(path -> requests.add("GET " + path));
    UNROUTED.forEach(path -> requests.add("POST " + path));
    for (String request : requests) {
      HttpMethod method = HttpMethod.valueOf(request.substring(0, request.indexOf(' ')));
      String path = request.substring(request.indexOf(' ') + 1);
      // The strongest form a rebinding page could send: JSON with our custom header, so only the Host check stops it.
      HttpRequest<Buffer> foreign = web.request(method, port, "127.0.0.1", path).virtualHost("evil.example")
          .putHeader("Content-Type", "application/json").putHeader("X-Ackcoord-Id", "rebound");
      assertThat(status(foreign, "[{\"id\":\"rebound\",\"payload\":1}]")).as(server + " " + request)
          .isEqualTo(403);
      if (method == HttpMethod.GET && !path.equals("/api/events")) { // a stream: its answer never ends
        assertThat(status(web.get(port, "127.0.0.1", path))).as(server + " " + request + " by address")
            .isNotEqualTo(403);
      }
    }
  }

  /**
   * "METHOD /path" for each method of each route with a path, parameters filled in; a route that matches any
   * method is tried with GET, POST, PUT and DELETE. Handlers for every path (no path: the guard itself, error
   * handlers) are what {@link #UNROUTED} exercises. Fails on a route it cannot turn into a request, so nobody adds
   * one this test silently skips.
   */
  private static List<String> requests(List<Route> routes) {
    Set<String> out = new LinkedHashSet<>();
    for (Route route : routes) {
      String path = route.getPath();
      if (path == null) {
        assertThat(route.isRegexPath()).as("a route with a regex path: give this test a concrete path for it "
            + route.getName()).isFalse();
        continue;
      }
      String concrete = path.replaceAll(":[A-Za-z0-9_]+", "x1");
      if (concrete.endsWith("*")) {
        concrete = concrete.substring(0, concrete.length() - 1) + "x.js";
      }
      Set<HttpMethod> methods = route.methods() == null || route.methods().isEmpty()
          ? Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE) : route.methods();
      for (HttpMethod method : methods) {
        out.add(method.name() + " " + concrete);
      }
    }
    return List.copyOf(out);
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

  private static ConsumerVerticle deployB(Vertx vertx, AckLoop loop) {
    ConsumerVerticle b = new ConsumerVerticle();
    AckLoop.await(vertx.deployVerticle(b,
        new DeploymentOptions().setConfig(loop.consumerConfig(new JsonObject().put("http.port", 0)))));
    return b;
  }

  private static int status(HttpRequest<Buffer> request) {
    return AckLoop.await(request.send()).statusCode();
  }

  private static int status(HttpRequest<Buffer> request, String body) {
    return AckLoop.await(request.sendBuffer(Buffer.buffer(body))).statusCode();
  }
}

package io.ackcoord.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.config.HttpSettings;
import io.ackcoord.time.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Guard and authentication in front of a real server on loopback, as A's router puts them. */
@ExtendWith(VertxExtension.class)
class HttpAuthTest {

  private static final String OLD = "old-token-0123456789";
  private static final String NEW = "new-token-9876543210";

  private final ManualClock clock = new ManualClock();
  private HttpServer server;
  private HttpClient client;
  private int port;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    HttpSettings http = new HttpSettings("127.0.0.1", 0, Set.of(), List.of(OLD, NEW), HttpSettings.Tls.NONE, false);
    Router router = Router.router(vertx);
    router.route().handler(BrowserGuard.create(http));
    HttpAuth auth = HttpAuth.create(http, clock).withLoginPage("/sign-in/", Set.of("/assets/login.js"));
    router.route().handler(auth);
    auth.mountLogin(router);
    router.get("/health").handler(ctx -> ctx.end(HttpAuth.authenticated(ctx) ? "details" : "UP"));
    HealthProbes.mount(router, () -> Future.succeededFuture(List.of(HealthProbes.Check.up("kafka"),
        HealthProbes.Check.down("replies", "cluster-x: not assigned"))));
    router.get("/").handler(ctx -> ctx.end("page"));
    router.get("/sign-in/").handler(ctx -> ctx.end("login"));
    router.get("/api/status").handler(ctx -> ctx.end("status"));
    router.post("/api/messages").handler(ctx -> ctx.response().setStatusCode(202).end());
    server = result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    port = server.actualPort();
    // A connection per request: each answer is judged on its own, whatever became of the previous connection
    // (Refusals closes those whose body went unread).
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  @AfterEach
  void stop() throws Exception {
    result(client.close());
    result(server.close());
  }

  @Test
  @DisplayName("no or a wrong token: 401 with WWW-Authenticate: Bearer; either of two tokens, as Bearer or header: in")
  void tokens() throws Exception {
    Answer none = send(HttpMethod.POST, "/api/messages", Map.of("Content-Type", "application/json"), "{}");
    assertThat(none.status).isEqualTo(401);
    assertThat(none.headers.get("WWW-Authenticate")).startsWith("Bearer");
    assertThat(none.body).doesNotContain(OLD).contains("authentication required");
    assertThat(send(HttpMethod.GET, "/api/status", Map.of(), null).status).isEqualTo(401);
    assertThat(send(HttpMethod.GET, "/api/status", Map.of("Authorization", "Bearer " + OLD + "x"), null).status)
        .isEqualTo(401);
    assertThat(send(HttpMethod.GET, "/api/status", Map.of("Authorization", "Basic " + OLD), null).status)
        .isEqualTo(401);
    assertThat(send(HttpMethod.POST, "/api/messages", Map.of("Content-Type", "application/json",
        "Authorization", "Bearer " + OLD), "{}").status).isEqualTo(202);
    assertThat(send(HttpMethod.POST, "/api/messages", Map.of("Content-Type", "application/json",
        "authorization", "bearer " + NEW), "{}").status).isEqualTo(202);
    assertThat(send(HttpMethod.GET, "/api/status", Map.of("X-Ackcoord-Token", NEW), null).body).isEqualTo("status");
  }

  @Test
  @DisplayName("/health and the login page need no token; /health tells such requests apart; GET / redirects")
  void publicPaths() throws Exception {
    assertThat(send(HttpMethod.GET, "/health", Map.of(), null).body).isEqualTo("UP");
    assertThat(send(HttpMethod.GET, "/health", Map.of("X-Ackcoord-Token", OLD), null).body).isEqualTo("details");
    assertThat(send(HttpMethod.GET, "/sign-in/", Map.of(), null).body).isEqualTo("login");
    Answer root = send(HttpMethod.GET, "/", Map.of(), null);
    assertThat(root.status).isEqualTo(303);
    assertThat(root.headers.get("Location")).isEqualTo("/sign-in/");
    assertThat(send(HttpMethod.POST, "/health", Map.of("Content-Type", "application/json"), "{}").status)
        .as("only reads are public").isEqualTo(401);
  }

  @Test
  @DisplayName("the probes need no token either; only a request with one learns why ready is DOWN")
  void probesArePublic() throws Exception {
    Answer live = send(HttpMethod.GET, HealthProbes.LIVE_PATH, Map.of(), null);
    assertThat(live.status).isEqualTo(200);
    assertThat(live.body).isEqualTo("{\"status\":\"UP\"}");
    Answer ready = send(HttpMethod.GET, HealthProbes.READY_PATH, Map.of(), null);
    assertThat(ready.status).isEqualTo(503);
    assertThat(ready.body).contains("\"status\":\"DOWN\"").doesNotContain("cluster-x");
    assertThat(send(HttpMethod.GET, HealthProbes.READY_PATH, Map.of("X-Ackcoord-Token", NEW), null).body)
        .contains("cluster-x: not assigned");
  }

  @Test
  @DisplayName("login sets an HttpOnly SameSite=Strict session cookie that works until it expires")
  void login() throws Exception {
    Map<String, String> json = Map.of("Content-Type", "application/json");
    assertThat(send(HttpMethod.POST, "/login", json, "{\"token\":\"wrong-token-0123456789\"}").status)
        .isEqualTo(401);
    assertThat(send(HttpMethod.POST, "/login", json, "not json").status).isEqualTo(401);
    assertThat(send(HttpMethod.POST, "/login", Map.of("Content-Type", "text/plain"), "{\"token\":\"" + OLD + "\"}")
        .status).as("a simple request, which any site could send").isEqualTo(403);
    Answer login = send(HttpMethod.POST, "/login", json, "{\"token\":\"" + NEW + "\"}");
    assertThat(login.status).isEqualTo(204);
    String setCookie = login.headers.get("Set-Cookie");
    assertThat(setCookie).startsWith(HttpAuth.COOKIE_PREFIX + port + "=").containsIgnoringCase("HttpOnly")
        .contains("SameSite=Strict").contains("Path=/").doesNotContain("Secure").doesNotContain(NEW);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    assertThat(send(HttpMethod.GET, "/", Map.of("Cookie", cookie), null).body).isEqualTo("page");
    assertThat(send(HttpMethod.GET, "/api/status", Map.of("Cookie", cookie), null).status).isEqualTo(200);
    assertThat(send(HttpMethod.POST, "/api/messages", Map.of("Cookie", cookie, "Content-Type", "application/json",
        "Origin", "http://evil.example"), "{}").status).as("the guard still refuses cross-origin").isEqualTo(403);
    assertThat(send(HttpMethod.GET, "/api/status", Map.of("Cookie", HttpAuth.COOKIE_PREFIX + port + "=forged"),
        null).status).isEqualTo(401);

    clock.advance(HttpAuth.SESSION_TTL);
    assertThat(send(HttpMethod.GET, "/api/status", Map.of("Cookie", cookie), null).status).as("expired")
        .isEqualTo(401);

    String again = send(HttpMethod.POST, "/login", json, "{\"token\":\"" + OLD + "\"}").headers.get("Set-Cookie");
    String second = again.substring(0, again.indexOf(';'));
    assertThat(send(HttpMethod.POST, "/logout", Map.of("Cookie", second, "Content-Type", "application/json"), "{}")
        .status).isEqualTo(204);
    assertThat(send(HttpMethod.GET, "/api/status", Map.of("Cookie", second), null).status).as("logged out")
        .isEqualTo(401);
  }

  @Test
  @DisplayName("under TLS the cookie is Secure; without tokens (open, or mutual TLS only) every request is let in")
  void secureCookieAndNoTokens(Vertx vertx) throws Exception {
    HttpSettings.Tls tls = new HttpSettings.Tls("cert.pem", "key.pem", "");
    for (HttpSettings http : List.of(new HttpSettings("127.0.0.1", 0, Set.of(), List.of(OLD), tls, false),
        new HttpSettings("127.0.0.1", 0, Set.of(), List.of(), HttpSettings.Tls.NONE, false))) {
      Router router = Router.router(vertx);
      HttpAuth auth = HttpAuth.create(http, clock).withLoginPage("/sign-in/", Set.of());
      router.route().handler(auth);
      auth.mountLogin(router);
      router.get("/api/status").handler(ctx -> ctx.end(String.valueOf(HttpAuth.authenticated(ctx))));
      HttpServer other = result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
      port = other.actualPort();
      try {
        if (http.tokensRequired()) {
          assertThat(send(HttpMethod.POST, "/login", Map.of("Content-Type", "application/json"),
              "{\"token\":\"" + OLD + "\"}").headers.get("Set-Cookie")).contains("Secure");
        } else {
          assertThat(send(HttpMethod.GET, "/api/status", Map.of(), null).body).isEqualTo("true");
        }
      } finally {
        result(other.close());
      }
    }
  }

  private record Answer(int status, io.vertx.core.MultiMap headers, String body) {
  }

  private Answer send(HttpMethod method, String path, Map<String, String> headers, String body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setPort(port).setHost("127.0.0.1")
        .setURI(path);
    headers.forEach(options::putHeader);
    Future<Answer> answer = client.request(options)
        .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), resp.headers(), b.toString())));
    return result(answer);
  }

  private static <T> T result(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}

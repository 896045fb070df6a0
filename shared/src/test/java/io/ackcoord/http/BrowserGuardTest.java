package io.ackcoord.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.config.HttpSettings;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetClient;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The guard in front of a real server on loopback, driven with raw HTTP/1.1 so each test sets exactly the headers a
 * browser (or an attacker's page through it) would send.
 */
@ExtendWith(VertxExtension.class)
class BrowserGuardTest {

  private Vertx vertx;
  private HttpServer server;
  private NetClient client;
  private int port;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    Router router = Router.router(vertx);
    router.route().handler(BrowserGuard.create(new HttpSettings("127.0.0.1", 0, Set.of("ackcoord.internal"))));
    router.get("/page").handler(ctx -> ctx.response().putHeader("Content-Security-Policy", "default-src 'self'")
        .end("page"));
    router.get("/thing").handler(ctx -> ctx.end("read"));
    router.post("/thing").handler(ctx -> ctx.response().setStatusCode(202).end("written"));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    port = server.actualPort();
    client = vertx.createNetClient();
  }

  @AfterEach
  void stop() throws Exception {
    client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a Host that is not localhost, an IP address or an allowed name gets 403 (DNS rebinding)")
  void hostNames() throws Exception {
    assertThat(status(get("evil.example"))).isEqualTo(403);
    assertThat(status(get("evil.example:" + port))).isEqualTo(403);
    assertThat(status(get("localhost.evil.example"))).isEqualTo(403);
    assertThat(status("GET /thing HTTP/1.0\r\n\r\n")).as("no Host at all").isEqualTo(403);
    assertThat(status(get("localhost:" + port))).isEqualTo(200);
    assertThat(status(get("127.0.0.1:" + port))).isEqualTo(200);
    assertThat(status(get("[::1]:" + port))).isEqualTo(200);
    assertThat(status(get("10.1.2.3:" + port))).as("a pod address, as a probe sends it").isEqualTo(200);
    assertThat(status(get("ACKCOORD.internal:" + port))).as("http.allowed.hosts, any case").isEqualTo(200);
    assertThat(send(get("evil.example"))).contains("http.allowed.hosts");
  }

  @Test
  @DisplayName("a state change from another site or origin, or in a form any page can send, gets 403")
  void crossSiteWrites() throws Exception {
    String host = "127.0.0.1:" + port;
    // What a page elsewhere can make a browser send without a preflight: fetch no-cors, a form, a beacon.
    assertThat(status(post(host, "Content-Type: text/plain\r\nOrigin: http://evil.example\r\n"))).isEqualTo(403);
    assertThat(status(post(host, "Content-Type: application/x-www-form-urlencoded\r\n"
        + "Origin: http://evil.example\r\nSec-Fetch-Site: cross-site\r\n"))).isEqualTo(403);
    assertThat(status(post(host, "Content-Type: multipart/form-data; boundary=x\r\n"))).isEqualTo(403);
    assertThat(status(post(host, ""))).as("no Content-Type, no Origin").isEqualTo(403);
    assertThat(status(post(host, "Content-Type: text/plain;charset=UTF-8\r\n"))).isEqualTo(403);
    // Headers a browser sets and a page cannot forge.
    assertThat(status(post(host, "Content-Type: application/json\r\nOrigin: http://evil.example\r\n")))
        .isEqualTo(403);
    assertThat(status(post(host, "Content-Type: application/json\r\nOrigin: null\r\n"))).isEqualTo(403);
    assertThat(status(post(host, "Content-Type: application/json\r\nOrigin: http://127.0.0.1:1\r\n")))
        .as("same host, other port: another origin").isEqualTo(403);
    assertThat(status(post(host, "Content-Type: application/json\r\nSec-Fetch-Site: same-site\r\n")))
        .isEqualTo(403);
    assertThat(send(post(host, "Content-Type: text/plain\r\n"))).contains("X-Ackcoord-");
  }

  @Test
  @DisplayName("API clients and the same origin write as before: a JSON body, or any X-Ackcoord-* header")
  void legitimateWrites() throws Exception {
    String host = "127.0.0.1:" + port;
    assertThat(status(post(host, "Content-Type: application/json\r\n"))).isEqualTo(202);
    assertThat(status(post(host, "Content-Type: application/octet-stream\r\n"))).isEqualTo(202);
    assertThat(status(post(host, "Content-Type: text/plain\r\nX-Ackcoord-Id: order-1\r\n"))).isEqualTo(202);
    assertThat(status(post(host, "Content-Type: application/json\r\nOrigin: http://" + host + "\r\n"
        + "Sec-Fetch-Site: same-origin\r\n"))).isEqualTo(202);
    assertThat(status(post("localhost:" + port, "Content-Type: application/json\r\nOrigin: http://localhost:" + port
        + "\r\n"))).isEqualTo(202);
    assertThat(status(post(host, "Content-Type: application/json\r\nSec-Fetch-Site: none\r\n")))
        .as("typed into the address bar, or a bookmark").isEqualTo(202);
    // Reads are not state changes: an image or script tag from elsewhere may load, but CORP keeps it unreadable.
    assertThat(status("GET /thing HTTP/1.1\r\nHost: " + host + "\r\nSec-Fetch-Site: cross-site\r\n"
        + "Connection: close\r\n\r\n")).isEqualTo(200);
  }

  @Test
  @DisplayName("every answer, refusals included, carries the security headers; a route's own CSP is kept")
  void headers() throws Exception {
    String read = send(get("127.0.0.1:" + port));
    assertThat(read).contains("X-Content-Type-Options: nosniff", "X-Frame-Options: DENY",
        "Referrer-Policy: no-referrer", "Cross-Origin-Resource-Policy: same-origin",
        "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'");
    assertThat(send(get("evil.example"))).contains("X-Content-Type-Options: nosniff", "X-Frame-Options: DENY",
        "Content-Security-Policy: default-src 'none'");
    assertThat(send("GET /page HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
        .contains("Content-Security-Policy: default-src 'self'").doesNotContain("default-src 'none'");
  }

  private static String get(String host) {
    return "GET /thing HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
  }

  private static String post(String host, String headers) {
    return "POST /thing HTTP/1.1\r\nHost: " + host + "\r\n" + headers + "Content-Length: 2\r\nConnection: close\r\n"
        + "\r\n{}";
  }

  private int status(String request) throws Exception {
    String response = send(request);
    return Integer.parseInt(response.substring(9, 12));
  }

  /** Sends {@code request} as it is and returns the whole response, read until the server closes. */
  private String send(String request) throws Exception {
    return client.connect(port, "127.0.0.1").compose(socket -> {
      Buffer response = Buffer.buffer();
      io.vertx.core.Promise<String> done = io.vertx.core.Promise.promise();
      socket.handler(response::appendBuffer);
      socket.closeHandler(v -> done.tryComplete(response.toString()));
      socket.write(request);
      return done.future();
    }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}

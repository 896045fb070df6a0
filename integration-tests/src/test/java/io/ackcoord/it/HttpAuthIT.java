package io.ackcoord.it;

import static io.ackcoord.it.StatusPageBrowserIT.counter;
import static io.ackcoord.it.StatusPageBrowserIT.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ackcoord.config.HttpSettings;
import io.ackcoord.consumer.ConsumerVerticle;
import io.ackcoord.producer.ProducerVerticle;
import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.KafkaBrokerExtension;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * Issue 13's optional authentication, against real A and B and the real broker: tokens (two at once, for rotation)
 * on every route but {@code /health}, the status page's login in a real browser, HTTPS and mutual TLS with
 * certificates the test makes, and the refusal to listen beyond loopback without authentication.
 */
@ExtendWith({VertxExtension.class, KafkaBrokerExtension.class})
class HttpAuthIT extends AckLoopTest {

  private static final String OLD = "old-token-0123456789abcdef";
  private static final String NEW = "new-token-fedcba9876543210";

  private HeadlessChromium browser;
  private WebClient web;

  @AfterEach
  void closeClients() {
    if (browser != null) {
      browser.close();
    }
    if (web != null) {
      web.close();
    }
  }

  @Test
  @DisplayName("with HTTP_AUTH_TOKEN set: no token 401 on A and B, either of two tokens 202, /health open")
  void tokens(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    JsonObject auth = new JsonObject().put(HttpSettings.AUTH_TOKEN, OLD + "," + NEW);
    ConsumerVerticle b = new ConsumerVerticle();
    AckLoop.await(vertx.deployVerticle(b, new DeploymentOptions().setConfig(
        loop.consumerConfig(auth.copy().put("http.port", 0)))));
    loop.deployProducer(auth);
    web = WebClient.create(vertx);
    int a = loop.port();

    HttpResponse<Buffer> refused = AckLoop.await(web.post(a, "127.0.0.1", "/api/messages")
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{\"n\":1}")));
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.getHeader("WWW-Authenticate")).startsWith("Bearer");
    assertThat(refused.bodyAsString()).doesNotContain(OLD).doesNotContain(NEW);
    assertThat(AckLoop.await(web.get(a, "127.0.0.1", "/api/status").send()).statusCode()).isEqualTo(401);
    assertThat(AckLoop.await(web.get(a, "127.0.0.1", "/api/status").bearerTokenAuthentication("wrong-token-0123456789")
        .send()).statusCode()).isEqualTo(401);
    // Liveness without a token: the verdict only, no cluster details.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      HttpResponse<Buffer> health = AckLoop.await(web.get(a, "127.0.0.1", "/health").send());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "UP"));
    });
    loop.token(NEW);
    assertThat(loop.stat("sent")).as("nothing refused reached topic 1").isZero();

    assertThat(AckLoop.await(loop.post("{\"n\":2}", Map.of("Authorization", "Bearer " + OLD)))
        .statusCode()).isEqualTo(202);
    assertThat(AckLoop.await(loop.post("{\"n\":3}", Map.of("X-Ackcoord-Token", NEW))).statusCode())
        .isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(loop.stat("acked")).isEqualTo(2));
    assertThat(loop.status().getJsonObject("config").getString(HttpSettings.AUTH_TOKEN)).isEqualTo("******");

    int bPort = b.actualHttpPort();
    assertThat(AckLoop.await(web.get(bPort, "127.0.0.1", "/api/status").send()).statusCode()).isEqualTo(401);
    assertThat(AckLoop.await(web.get(bPort, "127.0.0.1", "/api/status").bearerTokenAuthentication(OLD).send())
        .statusCode()).isEqualTo(200);
    assertThat(AckLoop.await(web.get(bPort, "127.0.0.1", "/health").send()).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("with a token set the status page asks for it, then loads and shows live figures")
  void statusPageLogin(Vertx vertx, KafkaBroker broker, TestInfo info) {
    browser = HeadlessChromium.start(1400, 2000);
    WebDriver page = browser.driver();
    AckLoop loop = loop(vertx, broker, info);
    loop.deployConsumer(null, new JsonObject());
    loop.deployProducer(new JsonObject().put(HttpSettings.AUTH_TOKEN, OLD + "," + NEW)
        .put("status.consumer.stale.ms", 2000));
    loop.token(OLD);

    page.get(loop.baseUrl() + "/");
    assertThat(page.getCurrentUrl()).endsWith("/sign-in/");
    page.findElement(By.id("token")).sendKeys("wrong-token-0123456789");
    page.findElement(By.id("login-submit")).click();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(page.findElement(By.id("login-error")).getText()).contains("not accepted"));

    page.findElement(By.id("token")).clear();
    page.findElement(By.id("token")).sendKeys(NEW);
    page.findElement(By.id("login-submit")).click();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(page.getCurrentUrl()).doesNotEndWith("/sign-in/");
      assertThat(text(page, "conn")).isEqualTo("live");
      assertThat(text(page, "b-state")).isEqualTo("B: 1 up");
    });
    int sent = loop.submit(12).size();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(counter(page, "c-acked")).isEqualTo(sent);
      assertThat(counter(page, "c-pending")).isZero();
      assertThat(counter(page, "b-processed")).isEqualTo(sent);
    });
    browser.screenshot(Path.of("target", "status-page-logged-in.png"));

    page.findElement(By.id("sign-out")).click();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(page.getCurrentUrl()).endsWith("/sign-in/"));
  }

  @Test
  @DisplayName("HTTPS with a certificate made by the test: a client trusting it gets 202, plain HTTP gets nothing")
  void tls(Vertx vertx, KafkaBroker broker, TestInfo info, @TempDir Path dir) {
    TestCertificates.Pem server = TestCertificates.selfSigned(dir, "server");
    AckLoop loop = loop(vertx, broker, info);
    loop.deployProducer(new JsonObject().put(HttpSettings.TLS_CERT, server.cert().toString())
        .put(HttpSettings.TLS_KEY, server.key().toString()));
    web = WebClient.create(vertx, new WebClientOptions().setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(server.cert().toString())));

    assertThat(submit(web, loop.port(), "localhost").statusCode()).isEqualTo(202);
    assertThat(submit(web, loop.port(), "127.0.0.1").statusCode()).isEqualTo(202);
    WebClient untrusting = WebClient.create(vertx, new WebClientOptions().setSsl(true));
    WebClient plain = WebClient.create(vertx);
    try {
      assertThatThrownBy(() -> submit(untrusting, loop.port(), "localhost")).as("an unknown certificate");
      assertThatThrownBy(() -> submit(plain, loop.port(), "127.0.0.1")).as("plain HTTP");
    } finally {
      untrusting.close();
      plain.close();
    }
  }

  @Test
  @DisplayName("mutual TLS counts as authentication: on 0.0.0.0 without a token, no client certificate, no entry")
  void mutualTls(Vertx vertx, KafkaBroker broker, TestInfo info, @TempDir Path dir) {
    TestCertificates.Pem server = TestCertificates.selfSigned(dir, "server");
    TestCertificates.Pem client = TestCertificates.selfSigned(dir, "client");
    AckLoop loop = loop(vertx, broker, info);
    loop.deployProducer(new JsonObject().put(HttpSettings.HOST, "0.0.0.0")
        .put(HttpSettings.TLS_CERT, server.cert().toString()).put(HttpSettings.TLS_KEY, server.key().toString())
        .put(HttpSettings.TLS_CLIENT_CA, client.cert().toString()));
    PemTrustOptions trustServer = new PemTrustOptions().addCertPath(server.cert().toString());
    web = WebClient.create(vertx, new WebClientOptions().setSsl(true).setTrustOptions(trustServer)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(client.cert().toString())
            .setKeyPath(client.key().toString())));
    WebClient anonymous = WebClient.create(vertx, new WebClientOptions().setSsl(true).setTrustOptions(trustServer));
    try {
      assertThatThrownBy(() -> submit(anonymous, loop.port(), "localhost")).as("no client certificate");
      assertThat(submit(web, loop.port(), "localhost").statusCode()).isEqualTo(202);
    } finally {
      anonymous.close();
    }
  }

  @Test
  @DisplayName("A and B refuse to start on a non-loopback address without authentication, naming the insecure key")
  void nonLoopbackBindWithoutAuthIsRefused(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    JsonObject exposed = new JsonObject().put(HttpSettings.HOST, "0.0.0.0").put("http.port", 0);
    assertThat(deployFailure(vertx, new ProducerVerticle(), loop.producerConfig(exposed)))
        .contains(HttpSettings.INSECURE_BIND).contains("0.0.0.0").contains(HttpSettings.AUTH_TOKEN);
    assertThat(deployFailure(vertx, new ConsumerVerticle(), loop.consumerConfig(exposed)))
        .contains(HttpSettings.INSECURE_BIND);
    // Said out loud, it is allowed.
    loop.deployProducer(exposed.copy().put(HttpSettings.INSECURE_BIND, true));
    web = WebClient.create(vertx);
    assertThat(submit(web, loop.port(), "127.0.0.1").statusCode()).isEqualTo(202);
  }

  private static String deployFailure(Vertx vertx, Deployable verticle, JsonObject config) {
    Throwable failure = vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().handle((id, err) -> err).join();
    assertThat(failure).as("the start should have been refused").isNotNull();
    return failure.getMessage();
  }

  private static HttpResponse<Buffer> submit(WebClient client, int port, String host) {
    return AckLoop.await(client.post(port, host, "/api/messages").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"n\":1}")));
  }
}

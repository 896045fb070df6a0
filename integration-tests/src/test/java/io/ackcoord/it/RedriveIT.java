package io.ackcoord.it;

import static io.ackcoord.it.StatusPageBrowserIT.counter;
import static io.ackcoord.it.StatusPageBrowserIT.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.config.HttpSettings;
import io.ackcoord.testkit.KafkaBroker;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * Issue 16's redrive and cancel against real A and B and the real broker: dead letters found in their topic and
 * sent again under their id, processed once even when B had processed them already; a cancel that stops re-sends
 * and leaves the message in the dead-letter topic with who and why; and the status page's buttons in Chromium.
 */
class RedriveIT extends AckLoopTest {

  private static final String TOKEN = "redrive-token-0123456789";
  private static final Map<String, String> OPERATOR = Map.of("X-Ackcoord-Actor", "it-operator");

  private HeadlessChromium browser;

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  @DisplayName("dead letters redriven by id and by filter are processed once; one B processed already is ACKed again")
  void deadLettersRedriven(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    long start = System.currentTimeMillis();
    // No B yet: two attempts of 300 ms each, then the dead-letter topic.
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 300).put("retry.max.attempts", 2)
        .put(HttpSettings.AUTH_TOKEN, TOKEN));
    loop.token(TOKEN);
    List<String> ids = loop.submit(3);
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("deadLettered") == 3);
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.records(loop.topics.deadLetters()).size() == 3);
    String first = ids.get(0);
    String path = "/api/dead-letters/" + first + "/redrive";

    // The doors of every state change: a token, and nothing a page elsewhere could send.
    loop.token(null);
    assertThat(loop.call(HttpMethod.POST, path, "{}", Map.of()).statusCode()).isEqualTo(401);
    loop.token(TOKEN);
    assertThat(loop.call(HttpMethod.POST, path, null, Map.of()).statusCode()).as("simple request").isEqualTo(403);
    assertThat(loop.call(HttpMethod.POST, path, "{}", Map.of("Sec-Fetch-Site", "cross-site")).statusCode())
        .isEqualTo(403);
    assertThat(loop.stat("sent")).isEqualTo(3);

    loop.deployConsumer(null, new JsonObject());
    HttpResponse<Buffer> one = loop.call(HttpMethod.POST, path, "{}", OPERATOR);
    assertThat(one.statusCode()).as(one.bodyAsString()).isEqualTo(202);
    assertThat(one.bodyAsJsonObject().getString("result")).isEqualTo("redriven");
    assertThat(one.bodyAsJsonObject().getString("reason")).startsWith("no reply after 2 attempt(s)");
    await().atMost(Duration.ofSeconds(30)).until(() -> state(loop, first).equals("ACKED"));
    JsonArray notes = loop.message(first).bodyAsJsonObject().getJsonArray("notes");
    assertThat(notes.getJsonObject(0).getString("note"))
        .startsWith("redriven by 'it-operator' (token #1 from 127.0.0.1) from dead letter ");

    // The first is processed already: B answers its second redrive from its record, without a second effect.
    HttpResponse<Buffer> bulk = loop.call(HttpMethod.POST, "/api/dead-letters/redrive", new JsonObject()
        .put("from", start).put("reasonContains", "NO REPLY").put("producer", "a-it").put("limit", 10).encode(),
        OPERATOR);
    assertThat(bulk.statusCode()).as(bulk.bodyAsString()).isEqualTo(200);
    JsonObject report = bulk.bodyAsJsonObject();
    assertThat(report.getInteger("matched")).isEqualTo(3);
    assertThat(report.getInteger("redriven")).isEqualTo(3);
    assertThat(report.getBoolean("more")).isFalse();
    assertThat(report.getJsonArray("results").stream().map(o -> ((JsonObject) o).getString("id")))
        .containsExactlyInAnyOrderElementsOf(ids);
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("acked") == 4 && loop.stat("pending") == 0);
    assertThat(loop.effects()).containsOnlyKeys(ids).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));

    assertThat(loop.call(HttpMethod.POST, "/api/dead-letters/never-seen/redrive", "{}", Map.of()).statusCode())
        .isEqualTo(404);
    assertThat(loop.call(HttpMethod.POST, "/api/dead-letters/redrive", "{\"limit\": 5000}", Map.of()).statusCode())
        .isEqualTo(400);
    assertThat(loop.call(HttpMethod.POST, "/api/dead-letters/redrive", "{\"cursor\": \"9:1\"}", Map.of())
        .statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("a cancel stops re-sends and dead-letters the message with who and why; a late ACK is counted; "
      + "a redrive of it is ACKed without a second effect")
  void cancelStopsResends(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 300).put("retry.max.attempts", 50));
    String id = "order-cancel-1";
    assertThat(AckLoop.await(loop.post("{\"amount\":12}", Map.of("X-Ackcoord-Id", id))).statusCode())
        .isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("retries") >= 2);

    HttpResponse<Buffer> cancel = loop.call(HttpMethod.DELETE, "/api/messages/" + id,
        "{\"reason\":\"wrong amount\"}", OPERATOR);
    assertThat(cancel.statusCode()).as(cancel.bodyAsString()).isEqualTo(200);
    JsonObject body = cancel.bodyAsJsonObject();
    assertThat(body.getString("state")).isEqualTo("CANCELLED");
    assertThat(body.getString("deadLetter")).isEqualTo("written");
    assertThat(body.getString("reason")).isEqualTo("cancelled by 'it-operator' (anonymous from 127.0.0.1): wrong amount");

    // No attempt follows, though the next timeout (under a second) passes more than once.
    long copies = copiesOnTopic1(loop, id);
    await().during(Duration.ofMillis(2000)).atMost(Duration.ofSeconds(5))
        .until(() -> copiesOnTopic1(loop, id) == copies);
    List<ConsumerRecord<String, byte[]>> dead = loop.records(loop.topics.deadLetters());
    assertThat(dead).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo(id);
      assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"amount\":12}");
      Header reason = r.headers().lastHeader("ackcoord-dead-letter-reason");
      assertThat(new String(reason.value(), StandardCharsets.UTF_8)).isEqualTo(body.getString("reason"));
    });
    assertThat(loop.call(HttpMethod.DELETE, "/api/messages/" + id, "{}", Map.of()).statusCode()).isEqualTo(409);
    assertThat(loop.call(HttpMethod.DELETE, "/api/messages/never-seen", "{}", Map.of()).statusCode())
        .isEqualTo(404);
    assertThat(loop.call(HttpMethod.DELETE, "/api/messages/" + id, null, Map.of()).statusCode())
        .as("a DELETE a page elsewhere could send").isEqualTo(403);
    JsonObject status = loop.status();
    assertThat(status.getLong("cancelled")).isEqualTo(1);
    assertThat(status.getLong("pending")).isZero();

    // B reads the copies sent before the cancel: it processes one; A counts its ACK and applies nothing.
    loop.deployConsumer(null, new JsonObject());
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("repliesAfterCancel") >= 1);
    assertThat(state(loop, id)).isEqualTo("CANCELLED");
    assertThat(loop.stat("acked")).isZero();

    HttpResponse<Buffer> redrive = loop.call(HttpMethod.POST, "/api/dead-letters/" + id + "/redrive", "{}", OPERATOR);
    assertThat(redrive.statusCode()).as(redrive.bodyAsString()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(() -> state(loop, id).equals("ACKED"));
    assertThat(loop.effects()).containsEntry(id, 1).hasSize(1);
    assertThat(loop.message(id).bodyAsJsonObject().getJsonArray("notes").stream()
        .map(n -> ((JsonObject) n).getString("note")).toList())
        .anyMatch(n -> n.startsWith("cancelled by 'it-operator'"))
        .anyMatch(n -> n.startsWith("ACK to attempt") && n.endsWith("(B processed it)"))
        .anyMatch(n -> n.startsWith("redriven by 'it-operator'"));
  }

  @Test
  @DisplayName("the status page's Cancel and Redrive buttons, each confirmed, cancel and redrive in Chromium")
  void pageButtons(Vertx vertx, KafkaBroker broker, TestInfo info) {
    browser = HeadlessChromium.start(1400, 2000);
    WebDriver page = browser.driver();
    AckLoop loop = loop(vertx, broker, info);
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 1000).put("retry.max.attempts", 50)
        .put("status.consumer.stale.ms", 2000).put(HttpSettings.AUTH_TOKEN, TOKEN));
    loop.token(TOKEN);
    signIn(page, loop);
    for (String id : List.of("page-1", "page-2")) {
      assertThat(AckLoop.await(loop.post("{}", Map.of("X-Ackcoord-Id", id))).statusCode()).isEqualTo(202);
    }

    click(page, By.cssSelector("#pending-body button[data-action='cancel'][data-id='page-1']"));
    page.findElement(By.id("confirm-reason")).sendKeys("test order");
    page.findElement(By.id("confirm-ok")).click();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(text(page, "action-result")).startsWith("Cancelled page-1");
      assertThat(counter(page, "c-cancelled")).isEqualTo(1);
      assertThat(counter(page, "c-pending")).isEqualTo(1);
    });
    assertThat(loop.message("page-1").bodyAsJsonObject().getString("reason"))
        .isEqualTo("cancelled by session of token #1 from 127.0.0.1: test order");

    loop.deployConsumer(null, new JsonObject());
    click(page, By.cssSelector("#recent-body button[data-action='redrive'][data-id='page-1']"));
    page.findElement(By.id("confirm-ok")).click();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(text(page, "action-result")).startsWith("Redriven page-1");
      assertThat(counter(page, "c-acked")).isEqualTo(2);
      assertThat(counter(page, "c-pending")).isZero();
    });
    page.findElement(By.cssSelector("#recent-body a.id[data-id='page-1']")).click();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(text(page, "detail-notes")).contains("cancelled by session of token #1")
            .contains("redriven by session of token #1"));
    browser.screenshot(Path.of("target", "status-page-redrive.png"));
    assertThat(loop.effects()).containsEntry("page-1", 1).containsEntry("page-2", 1);
  }

  private static void signIn(WebDriver page, AckLoop loop) {
    page.get(loop.baseUrl() + "/");
    await().atMost(Duration.ofSeconds(30)).until(() -> !page.findElements(By.id("token")).isEmpty());
    page.findElement(By.id("token")).sendKeys(TOKEN);
    page.findElement(By.id("login-submit")).click();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(text(page, "conn")).isEqualTo("live"));
  }

  // The tables are redrawn on every push: find the button and click it in one go, until the confirmation opens.
  private static void click(WebDriver page, By button) {
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
      WebElement b = page.findElement(button);
      b.click();
      assertThat(page.findElement(By.id("confirm")).isDisplayed()).isTrue();
    });
  }

  private static String state(AckLoop loop, String id) {
    return loop.message(id).bodyAsJsonObject().getString("state");
  }

  private static long copiesOnTopic1(AckLoop loop, String id) {
    return loop.records(loop.topics.messages()).stream().filter(r -> id.equals(r.key())).count();
  }
}

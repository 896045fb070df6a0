package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.KafkaBrokerExtension;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The status page in a real (headless) Chromium, the way an operator uses it during an incident: traffic flows, B
 * stops, the page shows pending and retries rising with their reasons, B comes back, pending drains. Everything is
 * read from the page's DOM, as pushed over its event stream; nothing is read from the API directly.
 */
@ExtendWith({VertxExtension.class, KafkaBrokerExtension.class})
class StatusPageBrowserIT {

  private AckLoop loop;
  private HeadlessChromium browser;

  @AfterEach
  void close() {
    if (browser != null) {
      browser.close();
    }
    if (loop != null) {
      loop.close();
    }
  }

  @Test
  @DisplayName("the page shows B stopping (pending and retries rise, with reasons) and recovering (pending drains)")
  void pageFollowsAnOutageOfB(Vertx vertx, KafkaBroker broker, TestInfo info) {
    browser = HeadlessChromium.start(1400, 2000);
    WebDriver page = browser.driver();
    loop = new AckLoop(vertx, broker, info.getTestMethod().orElseThrow().getName());
    String b = loop.deployConsumer(null, new JsonObject());
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 1000).put("retry.max.attempts", 50)
        .put("status.consumer.stale.ms", 2000));

    page.get(loop.baseUrl() + "/");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(text(page, "conn")).isEqualTo("live");
      assertThat(text(page, "b-state")).isEqualTo("B: 1 up");
    });

    List<String> first = loop.submit(20);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(counter(page, "c-acked")).isEqualTo(first.size());
      assertThat(counter(page, "c-pending")).isZero();
      assertThat(counter(page, "b-processed")).isEqualTo(first.size());
    });

    loop.undeploy(b);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(text(page, "b-state")).isEqualTo("B: DOWN"));
    List<String> second = loop.submit(30);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(counter(page, "c-pending")).isEqualTo(second.size());
      assertThat(counter(page, "c-retries")).isGreaterThanOrEqualTo(second.size());
    });
    assertThat(text(page, "alerts")).contains("Consumer B is down");
    // The pending table lists them, oldest first, with their attempt and the time to their next re-send.
    List<WebElement> rows = page.findElements(By.cssSelector("#pending-body tr"));
    assertThat(rows).hasSize(20); // one page
    assertThat(rows.get(0).getText()).contains(second.get(0)).contains("re-send in");
    assertThat(text(page, "page-info")).contains("of 30");
    // The recent list says why each was re-sent; a click shows one message's history.
    WebElement recent = page.findElement(By.cssSelector("#recent-body tr"));
    assertThat(recent.getText()).contains("re-send").contains("timed out after");
    recent.findElement(By.cssSelector("a.id")).click();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(page.findElement(By.id("detail")).isDisplayed()).isTrue();
      assertThat(page.findElements(By.cssSelector("#detail-attempts tr")).size()).isGreaterThanOrEqualTo(2);
    });
    assertThat(text(page, "detail-attempts")).contains("timed out after");
    page.findElement(By.id("detail-close")).click();
    browser.screenshot(Path.of("target", "status-page-b-down.png"));

    loop.deployConsumer(null, new JsonObject());
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(counter(page, "c-pending")).isZero();
      assertThat(counter(page, "c-acked")).isEqualTo(first.size() + second.size());
      assertThat(text(page, "b-state")).isEqualTo("B: 1 up");
    });
    assertThat(counter(page, "c-dead")).isZero();
    assertThat(text(page, "pending-body")).contains("Nothing pending");
    browser.screenshot(Path.of("target", "status-page-recovered.png"));
  }

  /** The trimmed text of element {@code id}. */
  static String text(WebDriver page, String id) {
    return page.findElement(By.id(id)).getText().trim();
  }

  /** The number element {@code id} shows, or -1 while it shows none. */
  static long counter(WebDriver page, String id) {
    String text = text(page, id).replace(",", "");
    return text.isEmpty() || text.equals("–") ? -1 : Long.parseLong(text);
  }
}

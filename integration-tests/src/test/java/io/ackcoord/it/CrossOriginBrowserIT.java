package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.KafkaBrokerExtension;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.JavascriptExecutor;

/**
 * A page from another origin, open in the operator's (headless Chromium) browser, attacks A with everything a page
 * may send without asking A first: {@code fetch} in {@code no-cors} mode, auto-submitted forms, images, and a
 * CORS read. A accepts nothing ({@code sent} stays 0, no message exists) and the page reads nothing.
 *
 * <p>The attacker's page is on {@code 127.0.0.1} like A, on another port: another origin, but the same site and
 * the same address space, so Chromium sends every one of these requests (no Private Network Access preflight)
 * and only A's {@link io.ackcoord.http.BrowserGuard} stands in the way: without it, the five simple requests (the
 * two no-cors fetches to {@code /api/messages}, the one to the batch route and the two forms) are each accepted and
 * this test fails. Only the JSON POST, which needs a preflight no route answers, is stopped by the browser itself.
 */
@ExtendWith({VertxExtension.class, KafkaBrokerExtension.class})
class CrossOriginBrowserIT {

  /** The ids the attacks try to create; none may exist afterwards. */
  private static final List<String> IDS = List.of("x1", "x2", "x3", "x4", "x5", "x6");

  private AckLoop loop;
  private HeadlessChromium browser;
  private HttpServer attacker;

  @AfterEach
  void close() {
    if (browser != null) {
      browser.close();
    }
    if (attacker != null) {
      AckLoop.await(attacker.close());
    }
    if (loop != null) {
      loop.close();
    }
  }

  @Test
  @DisplayName("a page on another origin gets nothing accepted by A and nothing read from it")
  void attackerPageGetsNothing(Vertx vertx, KafkaBroker broker, TestInfo info) {
    loop = new AckLoop(vertx, broker, info.getTestMethod().orElseThrow().getName());
    loop.deployProducer(new JsonObject());
    String a = loop.baseUrl();
    String page = attackPage(a);
    attacker = AckLoop.await(vertx.createHttpServer()
        .requestHandler(req -> req.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page))
        .listen(0, "127.0.0.1"));
    String attackerOrigin = "http://127.0.0.1:" + attacker.actualPort();
    assertThat(attackerOrigin).isNotEqualTo(a);

    browser = HeadlessChromium.start(1000, 800);
    browser.driver().get(attackerOrigin + "/attack.html");
    JavascriptExecutor js = (JavascriptExecutor) browser.driver();
    // Every attempt settles once A has answered it (or the browser gave up on it): then A has seen them all.
    await().atMost(Duration.ofSeconds(60)).until(() -> Boolean.TRUE.equals(js.executeScript("return window.done")));
    JsonObject results = new JsonObject((String) js.executeScript("return JSON.stringify(window.results)"));

    assertThat(results.fieldNames()).as(results.encodePrettily()).containsExactlyInAnyOrder(
        "fetchNoCorsText", "formTextPlain", "fetchNoCorsForm", "fetchNoCorsBatch", "formMultipart",
        "imgMessage", "imgStatus", "corsReadStatus", "corsPostJson");
    results.forEach(e -> assertThat(((JsonObject) e.getValue()).getString("read", ""))
        .as(e.getKey() + ": " + e.getValue()).isEmpty());
    // A no-cors answer is opaque (no status, no body) or, as A's Cross-Origin-Resource-Policy asks, withheld.
    for (String name : List.of("fetchNoCorsText", "fetchNoCorsForm", "fetchNoCorsBatch")) {
      JsonObject r = results.getJsonObject(name);
      assertThat("opaque".equals(r.getString("type")) || r.getString("error") != null).as(name + ": " + r).isTrue();
    }
    // Reads that need CORS fail: A sends no Access-Control-Allow-Origin, nor answers preflights.
    assertThat(results.getJsonObject("corsReadStatus").getString("error")).as("corsReadStatus").isNotNull();
    assertThat(results.getJsonObject("corsPostJson").getString("error")).as("corsPostJson").isNotNull();
    assertThat(results.getJsonObject("imgMessage").getBoolean("loaded")).isFalse();
    assertThat(results.getJsonObject("imgStatus").getBoolean("loaded")).isFalse();

    // From the test, as an API client: nothing was accepted.
    Map<String, Integer> found = new TreeMap<>();
    IDS.forEach(id -> found.put(id, loop.message(id).statusCode()));
    assertThat(found).as("GET /api/messages/{id} of each id an attack tried").allSatisfy((id, code) ->
        assertThat(code).as(id).isEqualTo(404));
    JsonObject status = loop.status();
    assertThat(status.getLong("sent")).as(status.encodePrettily()).isZero();
    assertThat(status.getLong("pending")).isZero();
    assertThat(loop.records(loop.topics.messages())).isEmpty();
  }

  /**
   * The attacker's page. Each attempt records what the page could read ({@code read}, empty when nothing) under
   * its name in {@code window.results}; {@code window.done} turns true when all have settled.
   */
  private static String attackPage(String a) {
    return """
        <!doctype html>
        <html><head><title>cute cats</title></head><body>
        <iframe name="sink1" id="sink1"></iframe>
        <iframe name="sink2" id="sink2"></iframe>
        <form id="f1" method="POST" action="A/api/messages?id=x2" enctype="text/plain" target="sink1">
          <input type="hidden" name='{"amount":"' value='1"}'>
        </form>
        <form id="f2" method="POST" action="A/api/messages?id=x5" enctype="multipart/form-data" target="sink2">
          <input type="hidden" name="amount" value="1">
        </form>
        <script>
        const A = "A";
        window.results = {};
        window.done = false;
        async function attempt(name, fn) {
          try {
            window.results[name] = await fn();
          } catch (e) {
            window.results[name] = {error: String(e), read: ""};
          }
        }
        async function noCors(url, contentType, body) {
          const r = await fetch(url, {method: "POST", mode: "no-cors", credentials: "include",
              headers: {"Content-Type": contentType}, body: body});
          const text = await r.text();
          return {type: r.type, status: r.status, read: (r.status !== 0 ? String(r.status) : "") + text};
        }
        // A form posts into a frame; the frame loads (A's answer, or the error page its X-Frame-Options causes).
        function submitForm(formId, frameId) {
          return new Promise(resolve => {
            const frame = document.getElementById(frameId);
            frame.addEventListener("load", () => {
              let read = "";
              try {
                read = frame.contentDocument ? frame.contentDocument.body.innerText : "";
              } catch (e) {
                read = "";
              }
              resolve({read: read || ""});
            }, {once: true});
            document.getElementById(formId).submit();
          });
        }
        function image(url) {
          return new Promise(resolve => {
            const img = new Image();
            img.onload = () => resolve({loaded: true, read: "width " + img.naturalWidth});
            img.onerror = () => resolve({loaded: false, read: ""});
            img.src = url;
          });
        }
        async function corsRead(url, init) {
          const r = await fetch(url, init);
          return {status: r.status, read: await r.text()};
        }
        Promise.all([
          attempt("fetchNoCorsText", () => noCors(A + "/api/messages?id=x1", "text/plain", "hello")),
          attempt("formTextPlain", () => submitForm("f1", "sink1")),
          attempt("formMultipart", () => submitForm("f2", "sink2")),
          attempt("fetchNoCorsForm", () => noCors(A + "/api/messages?id=x3",
              "application/x-www-form-urlencoded", "amount=1")),
          attempt("fetchNoCorsBatch", () => noCors(A + "/api/messages/batch",
              "application/x-www-form-urlencoded", '[{"id":"x4","payload":1}]')),
          attempt("imgMessage", () => image(A + "/api/messages/x1")),
          attempt("imgStatus", () => image(A + "/api/status")),
          attempt("corsReadStatus", () => corsRead(A + "/api/status", {})),
          attempt("corsPostJson", () => corsRead(A + "/api/messages?id=x6", {method: "POST",
              headers: {"Content-Type": "application/json", "X-Ackcoord-Id": "x6"}, body: "{}"})),
        ]).then(() => { window.done = true; });
        </script>
        </body></html>
        """.replace("\"A\"", "\"" + a + "\"").replace("action=\"A/", "action=\"" + a + "/");
  }
}

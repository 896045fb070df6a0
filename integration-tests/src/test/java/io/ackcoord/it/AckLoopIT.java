package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.consumer.IncomingMessage;
import io.ackcoord.consumer.handler.ResultTopicHandler;
import io.ackcoord.testkit.KafkaBroker;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ACK loop end to end: A → topic 1 → B → topic 2 → A, on a real broker, with B crashing, down and slow. */
class AckLoopIT extends AckLoopTest {

  private static final Logger LOG = LoggerFactory.getLogger(AckLoopIT.class);



  @Test
  @DisplayName("1,000 messages through A are all ACKed, and the results topic holds each id exactly once")
  void thousandMessages(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    List<String> ids = thousandThroughTheLoop(loop, "one per request", () -> loop.submit(1000));

    JsonObject status = loop.status();
    assertThat(status.getLong("sent")).isEqualTo(1000);
    assertThat(status.getLong("pending")).isZero();
    assertThat(status.getLong("deadLettered")).isZero();
    Map<String, Integer> effects = loop.effects();
    assertThat(effects.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(effects.values()).allMatch(c -> c == 1);
  }

  @Test
  @DisplayName("1,000 messages in batches of 100 are all ACKed once; the rate is logged next to thousandMessages'")
  void thousandMessagesInBatches(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    List<String> ids = thousandThroughTheLoop(loop, "in batches of 100", () -> loop.submitBatches(1000, 100));

    assertThat(loop.stat("sent")).isEqualTo(1000);
    assertThat(ids).doesNotHaveDuplicates();
    Map<String, Integer> effects = loop.effects();
    assertThat(effects.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(effects.values()).allMatch(c -> c == 1);
  }

  // Deploys B and A, submits 1,000 messages the given way and waits for their ACKs; logs the rate.
  private static List<String> thousandThroughTheLoop(AckLoop loop, String how, Supplier<List<String>> submit) {
    loop.deployConsumer(null, new JsonObject());
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 10_000));
    long start = System.nanoTime();
    List<String> ids = submit.get();
    await().atMost(Duration.ofSeconds(60)).until(() -> loop.stat("acked") == 1000);
    double seconds = (System.nanoTime() - start) / 1e9;
    // Re-sends mean some message waited out ack.timeout.ms (B slow to start), which then dominates the time.
    LOG.info("1000 messages submitted {} and ACKed in {} s ({} msg/s, {} re-sends)", how,
        String.format("%.2f", seconds), String.format("%.0f", 1000 / seconds), loop.stat("retries"));
    return ids;
  }

  @Test
  @DisplayName("B crashes after consuming and before processing: A re-sends after the timeout, all processed once B is back")
  void consumerCrashesBeforeProcessing(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    Set<String> pulled = ConcurrentHashMap.newKeySet();
    // Pulls the message, then never finishes: the process "dies" before the handler completes.
    String crashing = loop.deployConsumer(message -> {
      pulled.add(message.id());
      return Promise.<Void>promise().future();
    }, new JsonObject());
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 1000));

    List<String> ids = loop.submit(20);
    await().atMost(Duration.ofSeconds(30)).until(() -> pulled.containsAll(ids));
    loop.undeploy(crashing);
    assertThat(loop.effects()).isEmpty();
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("retries") >= ids.size());

    loop.deployConsumer(null, new JsonObject());

    await().atMost(Duration.ofSeconds(60)).until(() -> loop.stat("acked") == ids.size());
    Map<String, Integer> effects = loop.effects();
    assertThat(effects.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(effects.values()).allMatch(c -> c == 1);
  }

  @Test
  @DisplayName("B down for several timeouts: retries counted, all processed once when B returns")
  void consumerDownForSeveralTimeouts(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 500).put("retry.max.attempts", 20));

    List<String> ids = loop.submit(10);
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("retries") >= 3L * ids.size());
    assertThat(loop.stat("pending")).isEqualTo(ids.size());
    JsonObject timers = loop.status().getJsonObject("timers");
    assertThat(timers.getLong("fired")).as("every re-send was a timer firing").isGreaterThanOrEqualTo(3L * ids.size());
    assertThat(timers.fieldNames()).contains("lateP99Ms", "lateMaxMs", "lateOver100Ms");
    assertThat(loop.get("/metrics").bodyAsString()).contains("ackcoord_timers_fired_total");

    loop.deployConsumer(null, new JsonObject());

    await().atMost(Duration.ofSeconds(60)).until(() -> loop.stat("acked") == ids.size());
    assertThat(loop.stat("deadLettered")).isZero();
    Map<String, Integer> effects = loop.effects();
    assertThat(effects.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(effects.values()).as("re-sent copies are ACKed but not processed again").allMatch(c -> c == 1);
  }

  @Test
  @DisplayName("B stays down: each message is dead-lettered after retry.max.attempts, with the reason")
  void deadLetterAfterMaxAttempts(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 300).put("retry.max.attempts", 3));

    List<String> ids = loop.submit(5);
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("deadLettered") == ids.size());

    JsonObject status = loop.status();
    assertThat(status.getLong("retries")).isEqualTo(2L * ids.size());
    assertThat(status.getLong("pending")).isZero();
    JsonObject message = loop.message(ids.get(0)).bodyAsJsonObject();
    assertThat(message.getString("state")).isEqualTo("DEAD_LETTERED");
    assertThat(message.getJsonArray("attempts")).hasSize(3);
    assertThat(message.getString("reason")).contains("no reply after 3 attempt(s)");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(loop.records(loop.topics.deadLetters())).extracting(r -> r.key())
            .containsExactlyInAnyOrderElementsOf(ids));
    assertThat(loop.records(loop.topics.messages())).hasSize(3 * ids.size());
  }

  @Test
  @DisplayName("B slower than the timeout: A re-sends while the first copy is in flight, and each id has one effect")
  void slowConsumer(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    loop.deployConsumer(null, new JsonObject().put("handler.work.ms", 2500));
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 1000));

    List<String> ids = loop.submit(10);
    await().atMost(Duration.ofSeconds(60)).until(() -> loop.stat("acked") == ids.size());

    assertThat(loop.stat("retries")).as("A re-sent while B was still working").isGreaterThanOrEqualTo(ids.size());
    Map<String, Integer> effects = loop.effects();
    assertThat(effects.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(effects.values()).allMatch(c -> c == 1);
  }

  @Test
  @DisplayName("a handler slower than the timeout that extends its deadline is processed once and never re-sent")
  void slowHandlerExtendsDeadline(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    loop.deployConsumer(new ResultTopicHandler() {
      @Override
      public Future<Void> handle(IncomingMessage message) {
        return message.extendDeadline(Duration.ofSeconds(10))
            .compose(v -> vertxTimer(vertx, 3000))
            .compose(v -> super.handle(message));
      }
    }, new JsonObject());
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 1000));

    List<String> ids = loop.submit(5);
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.stat("acked") == ids.size());

    JsonObject status = loop.status();
    assertThat(status.getLong("retries")).isZero();
    assertThat(status.getLong("extensions")).isGreaterThanOrEqualTo(ids.size());
    assertThat(loop.effects().values()).hasSize(ids.size()).allMatch(c -> c == 1);
  }

  static Future<Void> vertxTimer(Vertx vertx, long millis) {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(millis, id -> p.complete());
    return p.future();
  }
}

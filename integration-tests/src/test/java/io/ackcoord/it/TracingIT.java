package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.consumer.IncomingMessage;
import io.ackcoord.consumer.MessageHandler;
import io.ackcoord.consumer.NonRetryableException;
import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.tracing.MessagingAttributes;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * Issue 16 item 1: one trace per message across every attempt, A → topic 1 → B → handler → reply → A, with A and B
 * tracing into an in-memory exporter against the real broker.
 */
class TracingIT extends AckLoopTest {

  /** The caller's own trace: the submission span is its child. */
  private static final String CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String CALLER_SPAN = "b7ad6b7169203331";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();

  @AfterEach
  void closeTracing() {
    otel.close();
  }

  /**
   * Holds each message until the test lets it go, with a span of its own (made under whatever context is current:
   * B's processing span); payloads containing "fatal" fail for good.
   */
  private static final class HeldHandler implements MessageHandler {
    final Promise<Void> release = Promise.promise();
    private final Tracer tracer;

    HeldHandler(Tracer tracer) {
      this.tracer = tracer;
    }

    @Override
    public Future<Void> handle(IncomingMessage message) {
      tracer.spanBuilder("handler work").startSpan().end();
      if (new String(message.payload(), StandardCharsets.UTF_8).contains("fatal")) {
        return Future.failedFuture(new NonRetryableException("payload can never be processed"));
      }
      return release.future();
    }
  }

  private AckLoop tracedLoop(Vertx vertx, KafkaBroker broker, TestInfo info, HeldHandler handler) {
    AckLoop loop = loop(vertx, broker, info).tracing(otel);
    loop.deployConsumer(handler, new JsonObject().put("progress.auto.extend", false));
    // Timeouts of 300, 600 and 1200 ms: two pass quickly, the third leaves room to let the message go.
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 300).put("retry.backoff.multiplier", 2.0)
        .put("retry.max.attempts", 3).put("tracing.ui.url", "http://traces.test/trace/{traceId}"));
    return loop;
  }

  @Test
  @DisplayName("a message that times out twice, then is ACKed, is one trace: three attempts, B's processing, the "
      + "handler's span inside it, the reply; the caller's traceparent is the parent")
  void timeoutsThenAck(Vertx vertx, KafkaBroker broker, TestInfo info) {
    HeldHandler handler = new HeldHandler(otel.getTracer("test-handler"));
    AckLoop loop = tracedLoop(vertx, broker, info, handler);

    String traceparent = "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01";
    String id = AckLoop.await(loop.post("{\"n\":1}", Map.of("traceparent", traceparent)))
        .bodyAsJsonObject().getString("id");
    await().atMost(Duration.ofSeconds(20)).until(() -> attempts(id).size() == 2);
    handler.release.complete();
    await().atMost(Duration.ofSeconds(20)).until(() -> loop.stat("acked") == 1 && attempts(id).size() == 3
        && named("process " + loop.topics.acks()).size() == 1);

    List<SpanData> all = spans.getFinishedSpanItems();
    assertThat(all).allMatch(s -> s.getTraceId().equals(CALLER_TRACE), "every span is in the caller's trace");
    SpanData submission = one(named("create " + loop.topics.messages()));
    assertThat(submission.getParentSpanId()).isEqualTo(CALLER_SPAN);
    assertThat(submission.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(submission.getAttributes().get(MessagingAttributes.MESSAGE_ID)).isEqualTo(id);

    List<SpanData> attempts = attempts(id);
    assertThat(attempts).allMatch(s -> s.getParentSpanId().equals(submission.getSpanId()))
        .extracting(s -> s.getAttributes().get(MessagingAttributes.ATTEMPT)).containsExactlyInAnyOrder(1L, 2L, 3L);
    assertThat(attempts).filteredOn(s -> s.getAttributes().get(MessagingAttributes.ATTEMPT) < 3)
        .allMatch(s -> s.getAttributes().get(MessagingAttributes.OUTCOME).startsWith("timed out"))
        .allMatch(s -> s.getStatus().getStatusCode() == StatusCode.ERROR);
    assertThat(attempts).allMatch(s -> "kafka".equals(s.getAttributes().get(MessagingAttributes.SYSTEM))
        && "send".equals(s.getAttributes().get(MessagingAttributes.OPERATION_TYPE))
        && loop.topics.messages().equals(s.getAttributes().get(MessagingAttributes.DESTINATION)));

    // Copies 2 and 3 waited for the first run's outcome: one processing span, the handler's span inside it.
    SpanData processing = one(named("process " + loop.topics.messages()));
    assertThat(processing.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(processing.getParentSpanId()).isEqualTo(submission.getSpanId());
    assertThat(processing.getAttributes().get(MessagingAttributes.MESSAGE_ID)).isEqualTo(id);
    assertThat(processing.getAttributes().get(MessagingAttributes.ATTEMPT)).isEqualTo(1L);
    assertThat(one(named("handler work")).getParentSpanId()).isEqualTo(processing.getSpanId());
    assertThat(one(named("process " + loop.topics.acks())).getParentSpanId()).isEqualTo(submission.getSpanId());

    JsonObject detail = loop.message(id).bodyAsJsonObject();
    assertThat(detail.getString("traceId")).isEqualTo(CALLER_TRACE);
    assertThat(detail.getString("traceUrl")).isEqualTo("http://traces.test/trace/" + CALLER_TRACE);

    // The page's message history links the trace (its re-sends put it in the recent list).
    try (HeadlessChromium browser = HeadlessChromium.start(1400, 1400)) {
      WebDriver page = browser.driver();
      page.get(loop.baseUrl() + "/");
      await().atMost(Duration.ofSeconds(20)).until(() -> !page.findElements(By.cssSelector("#recent-body a.id"))
          .isEmpty());
      page.findElement(By.cssSelector("#recent-body a.id")).click();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        WebElement link = page.findElement(By.cssSelector("#detail-summary a"));
        assertThat(link.getText()).isEqualTo(CALLER_TRACE);
        assertThat(link.getAttribute("href")).isEqualTo("http://traces.test/trace/" + CALLER_TRACE);
      });
    }
  }

  @Test
  @DisplayName("a dead-lettered message's trace ends with a dead-letter span carrying the reason; an event-bus "
      + "caller's traceparent is its parent; a redrive joins the trace")
  void deadLetter(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = tracedLoop(vertx, broker, info, new HeldHandler(otel.getTracer("test-handler")));

    // Through the event bus this time, its traceparent header the parent.
    String id = "fatal-1";
    DeliveryOptions traced = new DeliveryOptions().setSendTimeout(20_000)
        .addHeader("traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01");
    Throwable failure = AckLoop.await(vertx.eventBus().request("ackcoord.producer.send",
        new JsonObject().put("id", id).put("payload", "fatal"), traced).transform(ar -> Future.succeededFuture(
        ar.cause())));
    assertThat(failure).hasMessageStartingWith("non-retryable NACK");
    await().atMost(Duration.ofSeconds(20)).until(() -> named("send " + loop.topics.deadLetters()).size() == 1);

    SpanData letter = one(named("send " + loop.topics.deadLetters()));
    SpanData submission = one(named("create " + loop.topics.messages()));
    assertThat(submission.getTraceId()).isEqualTo(CALLER_TRACE);
    assertThat(submission.getParentSpanId()).isEqualTo(CALLER_SPAN);
    assertThat(letter.getTraceId()).isEqualTo(submission.getTraceId());
    assertThat(letter.getParentSpanId()).isEqualTo(submission.getSpanId());
    assertThat(letter.getAttributes().get(MessagingAttributes.MESSAGE_ID)).isEqualTo(id);
    assertThat(letter.getAttributes().get(MessagingAttributes.DEAD_LETTER_REASON))
        .startsWith("non-retryable NACK").contains("payload can never be processed");
    assertThat(letter.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(letter.getEvents()).extracting(e -> e.getName()).containsExactly("dead-lettered");
    SpanData processing = one(named("process " + loop.topics.messages()));
    assertThat(processing.getTraceId()).isEqualTo(submission.getTraceId());
    assertThat(processing.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(GlobalOpenTelemetry.isSet()).as("A and B do not install a global instance").isFalse();

    // A redrive continues the message's trace: the dead letter carries it, the new submission is its child.
    assertThat(loop.call(HttpMethod.POST, "/api/dead-letters/" + id + "/redrive", "{}", Map.of()).statusCode())
        .isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> named("send " + loop.topics.deadLetters()).size() == 2);
    assertThat(named("create " + loop.topics.messages())).hasSize(2)
        .allMatch(s -> s.getTraceId().equals(submission.getTraceId()))
        .anyMatch(s -> s.getParentSpanId().equals(submission.getSpanId()));
  }

  private List<SpanData> named(String name) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
  }

  private List<SpanData> attempts(String id) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().startsWith("send ") && s.getName().endsWith("messages")
            && id.equals(s.getAttributes().get(MessagingAttributes.MESSAGE_ID)))
        .toList();
  }

  private static SpanData one(List<SpanData> list) {
    assertThat(list).hasSize(1);
    return list.get(0);
  }
}

package io.ackcoord.consumer.tracing;

import static io.ackcoord.consumer.TestEnvelopes.consumerRecord;
import static io.ackcoord.consumer.TestEnvelopes.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.consumer.BlockingMessageHandler;
import io.ackcoord.consumer.ConsumerOptions;
import io.ackcoord.consumer.HandlerSetup;
import io.ackcoord.consumer.IncomingMessage;
import io.ackcoord.consumer.MessageHandler;
import io.ackcoord.consumer.pipeline.BlockingHandlerAdapter;
import io.ackcoord.consumer.pipeline.Delivery;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.time.Clock;
import io.ackcoord.tracing.MessagingAttributes;
import io.ackcoord.tracing.TraceRoot;
import io.ackcoord.tracing.Tracing;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class TracedHandlerTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String ROOT_SPAN = "00f067aa0ba902b7";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .build();
  private final Tracer handlerTracer = otel.getTracer("handler");

  @AfterEach
  void close() {
    otel.close();
  }

  private Delivery delivery(Vertx vertx, String traceparent) {
    Envelope envelope = envelope("m1", 0, 30_000);
    ConsumerRecord<String, byte[]> record = consumerRecord("unit.messages", envelope, 7);
    if (traceparent != null) {
      record.headers().add(TraceRoot.HEADER, traceparent.getBytes());
    }
    return new Delivery(envelope, record, vertx.getOrCreateContext(), ms -> Future.succeededFuture(), null, 0, 0);
  }

  private TracedHandler traced(MessageHandler handler) {
    return new TracedHandler(handler, Tracing.using(otel), "g", "b1");
  }

  private SpanData named(String name) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("the handler runs inside B's process span, a child of A's trace; its own spans nest inside")
  void nests(Vertx vertx) {
    MessageHandler handler = m -> {
      handlerTracer.spanBuilder("work").startSpan().end();
      return Future.succeededFuture();
    };
    assertThat(traced(handler).handle(delivery(vertx, "00-" + TRACE + "-" + ROOT_SPAN + "-01")).succeeded())
        .isTrue();

    SpanData process = named("process unit.messages");
    assertThat(process.getTraceId()).isEqualTo(TRACE);
    assertThat(process.getParentSpanId()).isEqualTo(ROOT_SPAN);
    assertThat(process.getAttributes().get(MessagingAttributes.MESSAGE_ID)).isEqualTo("m1");
    assertThat(process.getAttributes().get(MessagingAttributes.OFFSET)).isEqualTo(7L);
    assertThat(named("work").getParentSpanId()).isEqualTo(process.getSpanId());
  }

  @Test
  @DisplayName("a blocking handler's spans nest too, on the worker thread; a failure marks the span")
  void blocking(Vertx vertx) throws Exception {
    BlockingMessageHandler blocking = m -> {
      handlerTracer.spanBuilder("blocking work").startSpan().end();
      throw new IllegalStateException("db down");
    };
    MessageHandler adapter = new BlockingHandlerAdapter(blocking);
    ConsumerOptions options = ConsumerOptions.parse(new JsonObject());
    adapter.init(new HandlerSetup(vertx, null, options.kafka(), "b1", options, Clock.SYSTEM, null))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

    Future<Void> result = traced(adapter).handle(delivery(vertx, "00-" + TRACE + "-" + ROOT_SPAN + "-01"));
    assertThat(result.toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(5, TimeUnit.SECONDS))
        .hasMessageContaining("db down");

    SpanData process = named("process unit.messages");
    assertThat(named("blocking work").getParentSpanId()).isEqualTo(process.getSpanId());
    assertThat(process.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  @DisplayName("a record without a sampled traceparent gets no span")
  void untraced(Vertx vertx) {
    MessageHandler handler = m -> Future.succeededFuture();
    traced(handler).handle(delivery(vertx, null));
    traced(handler).handle(delivery(vertx, "00-" + TRACE + "-" + ROOT_SPAN + "-00"));
    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }
}

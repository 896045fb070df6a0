package io.ackcoord.producer.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.kafka.TopicNames;
import io.ackcoord.producer.ledger.LedgerEntry;
import io.ackcoord.producer.ledger.Position;
import io.ackcoord.producer.timer.RetryPolicy;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.producer.tracker.TestReplies;
import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.protocol.Reply;
import io.ackcoord.time.ManualClock;
import io.ackcoord.tracing.MessagingAttributes;
import io.ackcoord.tracing.Tracing;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SpanTracingTest {

  private static final TopicNames TOPICS = new TopicNames("t.");
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final ManualClock clock = new ManualClock();
  private final RetryPolicy policy = new RetryPolicy(1000, 3, 2.0, 60_000, 0.0, 100, 10_000);

  private OpenTelemetrySdk sdk(Sampler sampler) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().setSampler(sampler)
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  private final OpenTelemetrySdk otel = sdk(Sampler.alwaysOn());
  private final MessageTracker tracker = new MessageTracker(clock, policy, () -> 0.5, 100);
  private final SpanTracing tracing = new SpanTracing(Tracing.using(otel), TOPICS, "a1");

  @AfterEach
  void close() {
    otel.close();
  }

  private TrackedMessage submitted(SpanTracing with, String id) {
    MessageTracing.Submission s = with.submission(id, null);
    TrackedMessage m = tracker.accept(id, new byte[] {1}, null, 0, s.root());
    tracker.sendConfirmed(m, 1, null);
    s.accepted();
    return m;
  }

  @Test
  @DisplayName("each attempt's span starts when it was sent and carries what became of it; the ACK has its span")
  void attempts() {
    tracker.addListener(tracing);
    long acceptedAt = clock.wallMillis();
    TrackedMessage m = submitted(tracing, "m1");
    clock.advanceMillis(1000);
    tracker.pollDue(10);
    tracker.sendConfirmed(m, 2, null);
    clock.advanceMillis(500);
    tracker.onReply(TestReplies.signed(tracker, new Reply(Reply.Type.ACK, "m1", "a1", 2, "b1", 0, null, false, 0)));

    List<SpanData> sends = spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("send t.messages")).toList();
    assertThat(sends).extracting(s -> s.getAttributes().get(MessagingAttributes.OUTCOME))
        .containsExactly("timed out after 1000 ms", "acked");
    assertThat(sends.get(0).getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(acceptedAt));
    assertThat(sends.get(1).getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(acceptedAt + 1000));
    SpanData root = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("create t.messages"))
        .findFirst().orElseThrow();
    assertThat(spans.getFinishedSpanItems()).allMatch(s -> s.getTraceId().equals(root.getTraceId()));
    assertThat(spans.getFinishedSpanItems()).filteredOn(s -> s != root)
        .allMatch(s -> s.getParentSpanId().equals(root.getSpanId()));
    assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName).contains("process t.acks");
  }

  @Test
  @DisplayName("a message restored after a restart keeps its trace, in its checkpoint entry and in its later spans")
  void restart() {
    TrackedMessage m = submitted(tracing, "m1");
    tracker.sendConfirmed(m, 1, new Position(0, 1));
    LedgerEntry entry = tracker.checkpointEntry(m, "a1");
    assertThat(entry.trace()).isEqualTo(m.trace());

    MessageTracker next = new MessageTracker(clock, policy, () -> 0.5, 100);
    next.addListener(tracing);
    TrackedMessage restored = next.restore(entry);
    assertThat(restored.trace()).isEqualTo(m.trace());
    clock.advanceMillis(1000);
    next.pollDue(10);
    assertThat(spans.getFinishedSpanItems()).filteredOn(s -> s.getName().equals("send t.messages"))
        .singleElement().satisfies(s -> assertThat(s.getTraceId()).isEqualTo(m.trace().traceId()));
  }

  @Test
  @DisplayName("a message whose trace is not sampled gets no spans after its submission")
  void notSampled() {
    OpenTelemetrySdk never = sdk(Sampler.alwaysOff());
    try {
      SpanTracing off = new SpanTracing(Tracing.using(never), TOPICS, "a1");
      tracker.addListener(off);
      TrackedMessage m = submitted(off, "m1");
      assertThat(m.trace()).as("the context still travels, unsampled").isNotNull();
      assertThat(m.trace().sampled()).isFalse();
      clock.advanceMillis(1000);
      tracker.pollDue(10);
      assertThat(spans.getFinishedSpanItems()).isEmpty();
    } finally {
      never.close();
    }
  }
}

package io.ackcoord.producer.tracing;

import static io.ackcoord.tracing.MessagingAttributes.ATTEMPT;
import static io.ackcoord.tracing.MessagingAttributes.DEAD_LETTER_REASON;
import static io.ackcoord.tracing.MessagingAttributes.DESTINATION;
import static io.ackcoord.tracing.MessagingAttributes.KAFKA;
import static io.ackcoord.tracing.MessagingAttributes.MESSAGE_ID;
import static io.ackcoord.tracing.MessagingAttributes.OPERATION_NAME;
import static io.ackcoord.tracing.MessagingAttributes.OPERATION_TYPE;
import static io.ackcoord.tracing.MessagingAttributes.OUTCOME;
import static io.ackcoord.tracing.MessagingAttributes.PRODUCER;
import static io.ackcoord.tracing.MessagingAttributes.SYSTEM;

import io.ackcoord.kafka.TopicNames;
import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.tracing.TraceRoot;
import io.ackcoord.tracing.Tracing;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A's spans of one message, all in the trace of its submission span ({@link TraceRoot}, kept with the message):
 * <ul>
 *   <li>{@code create <topic 1>} (PRODUCER): A1 Accept until the first attempt is durable; the caller's
 *       {@code traceparent} is its parent;</li>
 *   <li>{@code send <topic 1>} (PRODUCER), one per attempt: from the attempt's send until what became of it (A3
 *       Wait), recorded when it ended with its start carried over, so nothing is held per pending message and an
 *       attempt A restarted during still gets its span; {@code ackcoord.attempt.outcome} is the re-send reason;</li>
 *   <li>{@code process <topic 2>} (CONSUMER): the ACK (A4 Reply);</li>
 *   <li>{@code send <dead-letter topic>} (PRODUCER): the dead letter (or an operator's cancel), its reason as
 *       attribute, event and error status (A6 Final).</li>
 * </ul>
 * A message whose trace is not sampled gets no spans here; the sampler decided at its submission.
 */
public final class SpanTracing implements MessageTracing {

  private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(String carrier) {
      return List.of(TraceRoot.HEADER);
    }

    @Override
    public String get(String carrier, String key) {
      return TraceRoot.HEADER.equals(key) ? carrier : null;
    }
  };

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final String producerId;
  private final String messages;
  private final String replies;
  private final String deadLetters;

  /**
   * @param tracing    an enabled {@link Tracing}: its tracer makes the spans, its propagator reads a caller's
   *                   {@code traceparent}
   * @param topics     the topics the spans name as their destinations
   * @param producerId this A, on every span as {@code ackcoord.producer.id}
   */
  public SpanTracing(Tracing tracing, TopicNames topics, String producerId) {
    this.tracer = tracing.tracer();
    this.propagator = tracing.openTelemetry().getPropagators().getTextMapPropagator();
    this.producerId = producerId;
    this.messages = topics.messages();
    this.replies = topics.acks();
    this.deadLetters = topics.deadLetters();
  }

  @Override
  public Submission submission(String id, String traceparent) {
    Context parent = traceparent == null ? Context.root() : propagator.extract(Context.root(), traceparent,
        TRACEPARENT);
    Span span = messaging(tracer.spanBuilder("create " + messages).setParent(parent), SpanKind.PRODUCER, "create",
        messages, id).startSpan();
    TraceRoot root = TraceRoot.of(span.getSpanContext());
    return new Submission() {
      @Override
      public TraceRoot root() {
        return root;
      }

      @Override
      public void accepted() {
        span.end();
      }

      @Override
      public void rejected(Throwable cause) {
        span.setStatus(StatusCode.ERROR, String.valueOf(cause.getMessage()));
        span.end();
      }
    };
  }

  @Override
  public void attemptEnded(TrackedMessage m) {
    SpanBuilder b = child(m, "send " + messages, SpanKind.PRODUCER, "send", messages);
    if (b == null) {
      return;
    }
    String outcome = m.attemptOutcome();
    Span span = b.setStartTimestamp(m.attemptSentAt(), TimeUnit.MILLISECONDS)
        .setAttribute(ATTEMPT, (long) m.attempt())
        .setAttribute(OUTCOME, outcome)
        .startSpan();
    if (!"acked".equals(outcome) && !outcome.startsWith("acked ")) {
      span.setStatus(StatusCode.ERROR, outcome);
    }
    span.end();
  }

  @Override
  public void acked(TrackedMessage m) {
    SpanBuilder b = child(m, "process " + replies, SpanKind.CONSUMER, "process", replies);
    if (b != null) {
      b.setAttribute(ATTEMPT, (long) m.attempt()).startSpan().end();
    }
  }

  @Override
  public void deadLettered(TrackedMessage m) {
    finalSpan(m);
  }

  @Override
  public void cancelled(TrackedMessage m) {
    finalSpan(m);
  }

  private void finalSpan(TrackedMessage m) {
    SpanBuilder b = child(m, "send " + deadLetters, SpanKind.PRODUCER, "send", deadLetters);
    if (b == null) {
      return;
    }
    String reason = String.valueOf(m.reason());
    Span span = b.setAttribute(ATTEMPT, (long) m.attempt()).setAttribute(DEAD_LETTER_REASON, reason).startSpan();
    span.addEvent("dead-lettered", Attributes.of(DEAD_LETTER_REASON, reason));
    span.setStatus(StatusCode.ERROR, reason);
    span.end();
  }

  // A span below the message's submission span, or null when the message has no sampled trace.
  private SpanBuilder child(TrackedMessage m, String name, SpanKind kind, String operation, String topic) {
    TraceRoot root = m.trace();
    if (root == null || !root.sampled()) {
      return null;
    }
    return messaging(tracer.spanBuilder(name).setParent(Context.root().with(Span.wrap(root.spanContext()))), kind,
        operation, topic, m.id());
  }

  private SpanBuilder messaging(SpanBuilder b, SpanKind kind, String operation, String topic, String id) {
    return b.setSpanKind(kind)
        .setAttribute(SYSTEM, KAFKA)
        .setAttribute(DESTINATION, topic)
        .setAttribute(OPERATION_TYPE, operation)
        .setAttribute(OPERATION_NAME, operation)
        .setAttribute(MESSAGE_ID, id)
        .setAttribute(PRODUCER, producerId);
  }
}

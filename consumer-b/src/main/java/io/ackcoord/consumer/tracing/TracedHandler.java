package io.ackcoord.consumer.tracing;

import static io.ackcoord.tracing.MessagingAttributes.ATTEMPT;
import static io.ackcoord.tracing.MessagingAttributes.CONSUMER;
import static io.ackcoord.tracing.MessagingAttributes.CONSUMER_GROUP;
import static io.ackcoord.tracing.MessagingAttributes.DESTINATION;
import static io.ackcoord.tracing.MessagingAttributes.KAFKA;
import static io.ackcoord.tracing.MessagingAttributes.MESSAGE_ID;
import static io.ackcoord.tracing.MessagingAttributes.OFFSET;
import static io.ackcoord.tracing.MessagingAttributes.OPERATION_NAME;
import static io.ackcoord.tracing.MessagingAttributes.OPERATION_TYPE;
import static io.ackcoord.tracing.MessagingAttributes.PARTITION;
import static io.ackcoord.tracing.MessagingAttributes.PRODUCER;
import static io.ackcoord.tracing.MessagingAttributes.SYSTEM;

import io.ackcoord.consumer.HandlerSetup;
import io.ackcoord.consumer.IncomingMessage;
import io.ackcoord.consumer.MessageHandler;
import io.ackcoord.consumer.pipeline.Delivery;
import io.ackcoord.logging.MessageFields;
import io.ackcoord.tracing.TraceRoot;
import io.ackcoord.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.MDC;

/**
 * B5 Permit and process, traced: each handler call runs inside a {@code process <topic 1>} span (CONSUMER) whose
 * parent is the message's trace, named by the record's {@code traceparent}, so B's work joins the one trace of the
 * message with A's attempts whatever B and attempt it is. The span is current while {@code handle} runs (and on the
 * worker thread of a blocking handler), so the handler's own spans nest inside it; it ends when the handler's Future
 * does, failed with the error when the handler failed. Installed only with tracing on; B's pipeline is untouched.
 */
public final class TracedHandler implements MessageHandler {

  private final MessageHandler delegate;
  private final Tracer tracer;
  private final String group;
  private final String consumerId;

  /**
   * @param delegate   the handler B runs
   * @param tracing    an enabled {@link Tracing}
   * @param group      B's consumer group, on each span as {@code messaging.consumer.group.name}
   * @param consumerId this B, on each span as {@code ackcoord.consumer.id}
   */
  public TracedHandler(MessageHandler delegate, Tracing tracing, String group, String consumerId) {
    this.delegate = delegate;
    this.tracer = tracing.tracer();
    this.group = group;
    this.consumerId = consumerId;
  }

  @Override
  public Future<Void> init(HandlerSetup setup) {
    return delegate.init(setup);
  }

  @Override
  public Future<Void> handle(IncomingMessage message) {
    TraceRoot root = message instanceof Delivery d ? d.trace() : null;
    // No sampled trace from A: no span, as A's sampler decided at the submission.
    if (root == null || !root.sampled()) {
      return delegate.handle(message);
    }
    Span span = tracer.spanBuilder("process " + message.topic())
        .setParent(Context.root().with(Span.wrap(root.spanContext())))
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute(SYSTEM, KAFKA)
        .setAttribute(DESTINATION, message.topic())
        .setAttribute(OPERATION_TYPE, "process")
        .setAttribute(OPERATION_NAME, "process")
        .setAttribute(MESSAGE_ID, message.id())
        .setAttribute(ATTEMPT, (long) message.attempt())
        .setAttribute(PARTITION, Integer.toString(message.partition()))
        .setAttribute(OFFSET, message.offset())
        .setAttribute(CONSUMER_GROUP, group)
        .setAttribute(CONSUMER, consumerId)
        .setAttribute(PRODUCER, message.producerId())
        .startSpan();
    Future<Void> result;
    // The handler's own log lines while it runs here carry the trace id (a JSON log's traceId field).
    try (Scope ignored = span.makeCurrent();
        MDC.MDCCloseable mdc = MDC.putCloseable(MessageFields.TRACE_ID, root.traceId())) {
      result = delegate.handle(message);
    } catch (RuntimeException | Error e) {
      end(span, e);
      throw e;
    }
    if (result == null) {
      span.end();
      return null;
    }
    return result.onComplete(ar -> end(span, ar.failed() ? ar.cause() : null));
  }

  private static void end(Span span, Throwable failure) {
    if (failure != null) {
      span.recordException(failure);
      span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
    }
    span.end();
  }

  @Override
  public Future<Void> onPartitionsAssigned(Set<TopicPartition> partitions) {
    return delegate.onPartitionsAssigned(partitions);
  }

  @Override
  public void onPartitionsRevoked(Set<TopicPartition> partitions) {
    delegate.onPartitionsRevoked(partitions);
  }

  @Override
  public Future<Void> close() {
    return delegate.close();
  }

  @Override
  public String toString() {
    return delegate + " (traced)";
  }
}

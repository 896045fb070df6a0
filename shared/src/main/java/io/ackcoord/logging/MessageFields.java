package io.ackcoord.logging;

import io.ackcoord.tracing.TraceRoot;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The fields a log line about one message carries, as SLF4J key-value pairs: the JSON format writes them as fields
 * of their own ({@link LogEncoder}), the plain format leaves them out (its text names the message already).
 *
 * <pre>{@code
 * MessageFields.of(LOG.atWarn(), id, attempt, producer, consumerId)
 *     .log("Handler failed for {}: {}", envelope, err.toString());
 * }</pre>
 */
public final class MessageFields {

  /** The message's id, as callers gave it (cleaned of control characters by the encoder's JSON quoting). */
  public static final String MESSAGE_ID = "messageId";
  /** The attempt number, from 1. */
  public static final String ATTEMPT = "attempt";
  /** A's {@code producer.id}. */
  public static final String PRODUCER = "producer";
  /** B's {@code consumer.instance.id}. */
  public static final String CONSUMER = "consumer";
  /** The message's trace id (32 hex digits), with tracing on (docs/operations.md#tracing). */
  public static final String TRACE_ID = "traceId";

  private MessageFields() {
  }

  /**
   * Adds the message's fields to {@code event}; a {@code null} field (a consumer on A's side) is left out.
   *
   * @return {@code event}, to end with {@code .log(...)}
   */
  public static LoggingEventBuilder of(LoggingEventBuilder event, String messageId, int attempt, String producer,
      String consumer) {
    event.addKeyValue(MESSAGE_ID, messageId).addKeyValue(ATTEMPT, attempt);
    if (producer != null) {
      event.addKeyValue(PRODUCER, producer);
    }
    if (consumer != null) {
      event.addKeyValue(CONSUMER, consumer);
    }
    return event;
  }

  /**
   * Adds the message's trace id to {@code event}; nothing for {@code null} (tracing off, or a message accepted
   * while it was).
   *
   * @return {@code event}
   */
  public static LoggingEventBuilder trace(LoggingEventBuilder event, TraceRoot trace) {
    return trace == null ? event : event.addKeyValue(TRACE_ID, trace.traceId());
  }
}

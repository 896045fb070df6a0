package io.ackcoord.logging;

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
  /** Reserved for the trace id once tracing exists (issue 16, item 1); nothing sets it yet. */
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
}

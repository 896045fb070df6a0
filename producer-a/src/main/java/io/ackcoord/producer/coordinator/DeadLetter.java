package io.ackcoord.producer.coordinator;

import io.ackcoord.tracing.TraceRoot;

/**
 * One record of the dead-letter topic, as a redrive needs it: where it lies, the message's id and payload, what its
 * envelope said (producer, attempt, content type, the caller's timeout) and why it was given up on. Strings from
 * the record are cleaned and bounded by whoever reads it (anyone with write access to the topic can write one).
 *
 * @param timestamp     the record's timestamp: when A wrote the dead letter (wall millis)
 * @param producerId    the A that dead-lettered it ({@code ackcoord-producer}), or {@code ""} when absent
 * @param timeoutMillis the caller's first-attempt timeout ({@code ackcoord-timeout-ms}), 0 when absent
 * @param reason        {@code ackcoord-dead-letter-reason}, or {@code ""} when absent
 * @param payload       the record's value, never {@code null} (empty when it had none)
 * @param trace         the message's trace, from the record's {@code traceparent}; {@code null} when it has none
 */
public record DeadLetter(String id, int partition, long offset, long timestamp, String producerId, int attempt,
    String reason, String contentType, long timeoutMillis, byte[] payload, TraceRoot trace) {

  /** A dead letter without a trace. */
  public DeadLetter(String id, int partition, long offset, long timestamp, String producerId, int attempt,
      String reason, String contentType, long timeoutMillis, byte[] payload) {
    this(id, partition, offset, timestamp, producerId, attempt, reason, contentType, timeoutMillis, payload, null);
  }

  // How Coordinator's letter() notes a dead letter written without its payload, at the end of the reason.
  private static final String DROPPED = "(payload of ";
  private static final String DROPPED_END = " dropped: too large for the dead-letter topic)";
  private static final String GONE = "(payload not included: ";

  /**
   * Why this dead letter cannot be redriven for want of its payload, or {@code null} when it has one. A writes a
   * letter without its payload when the dead-letter topic refused it as too large, or when its record in topic 1
   * was gone, and says so at the end of the reason; an empty payload without such a note is a message whose payload
   * was empty, and is redriven as it was.
   */
  public String payloadMissing() {
    if (payload.length > 0) {
      return null;
    }
    int gone = reason.lastIndexOf(GONE);
    int dropped = reason.endsWith(DROPPED_END) ? reason.lastIndexOf(DROPPED) : -1;
    int at = Math.max(gone, dropped);
    if (at < 0) {
      return null;
    }
    String note = reason.substring(at + 1);
    return "the dead letter has no payload: " + (note.endsWith(")") ? note.substring(0, note.length() - 1) : note);
  }

  /** Where the record lies, for reports: {@code <partition>@<offset>}. */
  public String where() {
    return partition + "@" + offset;
  }
}

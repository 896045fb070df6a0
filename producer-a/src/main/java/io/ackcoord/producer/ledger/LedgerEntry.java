package io.ackcoord.producer.ledger;

import io.ackcoord.tracing.TraceRoot;
import java.util.Objects;

/**
 * What A needs to resume one pending message after a restart: where its payload is (its record in topic 1, or the
 * bytes themselves, in entries of ledgers written before checkpoints), the attempt last started, and when its
 * deadline falls. Times are wall-clock millis, the only clock that means anything to the next process.
 *
 * @param id                the message id
 * @param producerId        the A instance that owns it
 * @param attempt           the attempt last started
 * @param acceptedAtMillis  when the message was accepted
 * @param sentAtMillis      when the attempt was started
 * @param baseTimeoutMillis the message's first-attempt timeout
 * @param deadlineMillis    when the reply to {@code attempt} is due
 * @param contentType       the caller's content type, or {@code null}
 * @param payload           the caller's bytes, or {@code null} when {@code position} says where they are
 * @param secret            what the message's receipts and marker token derive from; 0 for an entry written before
 *                          receipts
 * @param position          the message's record in topic 1, or {@code null} when the entry carries the payload
 * @param extendedMillis    how far IN_PROGRESS replies have pushed the current attempt's deadline out so far
 * @param deadLetterReason  why the message was dead-lettered, for one whose dead letter was not durable yet (a restart
 *                          writes it); {@code null} for a pending message
 * @param trace             the trace the message's spans join, or {@code null} (tracing off when it was accepted)
 */
public record LedgerEntry(
    String id,
    String producerId,
    int attempt,
    long acceptedAtMillis,
    long sentAtMillis,
    long baseTimeoutMillis,
    long deadlineMillis,
    String contentType,
    byte[] payload,
    long secret,
    Position position,
    int extendedMillis,
    String deadLetterReason,
    TraceRoot trace) {

  public LedgerEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(producerId, "producerId");
    if ((payload == null) == (position == null)) {
      throw new IllegalArgumentException("a ledger entry carries either the payload or its position: " + id);
    }
  }

  /** An entry without a trace. */
  public LedgerEntry(String id, String producerId, int attempt, long acceptedAtMillis, long sentAtMillis,
      long baseTimeoutMillis, long deadlineMillis, String contentType, byte[] payload, long secret,
      Position position, int extendedMillis, String deadLetterReason) {
    this(id, producerId, attempt, acceptedAtMillis, sentAtMillis, baseTimeoutMillis, deadlineMillis, contentType,
        payload, secret, position, extendedMillis, deadLetterReason, null);
  }

  /** This entry without its trace. */
  public LedgerEntry withoutTrace() {
    return trace == null ? this : new LedgerEntry(id, producerId, attempt, acceptedAtMillis, sentAtMillis,
        baseTimeoutMillis, deadlineMillis, contentType, payload, secret, position, extendedMillis, deadLetterReason);
  }

  /** A pending message's entry, without extension. */
  public LedgerEntry(String id, String producerId, int attempt, long acceptedAtMillis, long sentAtMillis,
      long baseTimeoutMillis, long deadlineMillis, String contentType, byte[] payload, long secret,
      Position position) {
    this(id, producerId, attempt, acceptedAtMillis, sentAtMillis, baseTimeoutMillis, deadlineMillis, contentType,
        payload, secret, position, 0, null);
  }

  /** An entry that carries its payload. */
  public LedgerEntry(String id, String producerId, int attempt, long acceptedAtMillis, long sentAtMillis,
      long baseTimeoutMillis, long deadlineMillis, String contentType, byte[] payload, long secret) {
    this(id, producerId, attempt, acceptedAtMillis, sentAtMillis, baseTimeoutMillis, deadlineMillis, contentType,
        payload, secret, null);
  }

  /** An entry without a secret, as ledgers written before receipts hold. */
  public LedgerEntry(String id, String producerId, int attempt, long acceptedAtMillis, long sentAtMillis,
      long baseTimeoutMillis, long deadlineMillis, String contentType, byte[] payload) {
    this(id, producerId, attempt, acceptedAtMillis, sentAtMillis, baseTimeoutMillis, deadlineMillis, contentType,
        payload, 0, null);
  }
}

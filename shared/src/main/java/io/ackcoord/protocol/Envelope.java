package io.ackcoord.protocol;

import java.util.Objects;

/**
 * One attempt at delivering one message on topic 1: the caller's payload plus what B needs to process it
 * idempotently and to reply to the right producer.
 *
 * <p>On the wire the id is the record key, the payload is the record value, untouched, and everything else travels
 * in one compact record header (see {@link EnvelopeCodec}), so any Kafka tool reads the payload as the caller sent
 * it.
 *
 * @param id              the message id; stable across re-sends, the key of the record and of B's dedupe
 * @param producerId      the A instance that owns the message and waits for its reply
 * @param attempt         1 for the first send, +1 for each re-send
 * @param createdAtMillis wall time when A accepted the message
 * @param sentAtMillis    wall time when A sent this attempt
 * @param replyPartition  the partition of the ACK topic that {@code producerId} reads
 * @param timeoutMillis   how long A waits for a reply to this attempt before it re-sends
 * @param contentType     the caller's content type, or {@code null} when unknown
 * @param payload         the caller's bytes, never {@code null}
 * @param receipt         this attempt's receipt: an unguessable number A derives from a per-message secret and the
 *                        attempt, which B echoes in its reply so that A can tell B's reply from a forged one (like an
 *                        SQS receipt handle); 0 for an envelope written before version 3
 */
public record Envelope(
    String id,
    String producerId,
    int attempt,
    long createdAtMillis,
    long sentAtMillis,
    int replyPartition,
    long timeoutMillis,
    String contentType,
    byte[] payload,
    long receipt) {

  /** The envelope version this build writes. Readers accept every version in {@link #SUPPORTED_VERSIONS}. */
  public static final int VERSION = 3;

  /** Versions this build can read. */
  public static final int[] SUPPORTED_VERSIONS = {1, 2, 3};

  /** An envelope without a receipt, as versions 1 and 2 carry (and tests of B build). */
  public Envelope(String id, String producerId, int attempt, long createdAtMillis, long sentAtMillis,
      int replyPartition, long timeoutMillis, String contentType, byte[] payload) {
    this(id, producerId, attempt, createdAtMillis, sentAtMillis, replyPartition, timeoutMillis, contentType, payload,
        0);
  }

  /** This envelope with an empty payload, for a dead letter whose payload the dead-letter topic cannot hold. */
  public Envelope withoutPayload() {
    return new Envelope(id, producerId, attempt, createdAtMillis, sentAtMillis, replyPartition, timeoutMillis,
        contentType, new byte[0], receipt);
  }

  public Envelope {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(producerId, "producerId");
    Objects.requireNonNull(payload, "payload");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
    }
  }

  /**
   * The same message, as the given attempt sent at the given time with the given timeout; the receipt is
   * {@code 0}, since only A can make one.
   */
  public Envelope forAttempt(int nextAttempt, long sentAt, long timeout) {
    return new Envelope(id, producerId, nextAttempt, createdAtMillis, sentAt, replyPartition, timeout, contentType,
        payload, 0);
  }

  @Override
  public String toString() {
    return "Envelope[id=" + id + ", producer=" + producerId + ", attempt=" + attempt + ", payload=" + payload.length
        + " bytes]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Envelope e && id.equals(e.id) && producerId.equals(e.producerId) && attempt == e.attempt
        && createdAtMillis == e.createdAtMillis && sentAtMillis == e.sentAtMillis
        && replyPartition == e.replyPartition && timeoutMillis == e.timeoutMillis
        && Objects.equals(contentType, e.contentType) && java.util.Arrays.equals(payload, e.payload)
        && receipt == e.receipt;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, producerId, attempt);
  }
}

package io.ackcoord.protocol;

import io.ackcoord.hash.SipHash;
import java.util.Objects;

/**
 * What B says on topic 2 about one attempt of one message.
 *
 * @param type          what happened
 * @param id            the message id
 * @param producerId    the A instance the reply is for
 * @param attempt       the attempt B is replying to
 * @param consumerId    the B instance that replied, for the operator
 * @param atMillis      wall time of the reply
 * @param reason        why, for a {@link Type#NACK}; {@code null} otherwise
 * @param retryable     for a {@link Type#NACK}: whether a later attempt may succeed
 * @param extendMillis  for {@link Type#IN_PROGRESS}: how much longer A should wait, counted from when A reads it
 * @param proof         {@link #proof} of the replied attempt's {@link Envelope#receipt()} and this reply's type: A
 *                      takes no reply without the right one. Not the receipt itself, so that whoever reads topic 2
 *                      cannot turn a NACK it saw into an ACK of the same attempt
 */
public record Reply(
    Type type,
    String id,
    String producerId,
    int attempt,
    String consumerId,
    long atMillis,
    String reason,
    boolean retryable,
    long extendMillis,
    long proof) {

  /** The version of a record holding one reply; batches are {@link ReplyCodec#BATCH_VERSION}. */
  public static final int VERSION = 1;

  /** The kinds of reply. */
  public enum Type {
    /** Processed (now or before): A stops tracking the message. */
    ACK,
    /** Processing failed: A re-sends after a backoff if {@code retryable}, else dead-letters at once. */
    NACK,
    /** Still working: A moves the deadline to now + {@code extendMillis}, like SQS's ChangeMessageVisibility. */
    IN_PROGRESS
  }

  public Reply {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(producerId, "producerId");
  }

  /** A reply without a proof, as replies written before receipts carry. */
  public Reply(Type type, String id, String producerId, int attempt, String consumerId, long atMillis,
      String reason, boolean retryable, long extendMillis) {
    this(type, id, producerId, attempt, consumerId, atMillis, reason, retryable, extendMillis, 0);
  }

  /**
   * What a reply of {@code type} to an attempt with {@code receipt} carries: SipHash of the type keyed by the receipt,
   * a one-way function, so one type's proof says nothing about another's. 0 for receipt 0 (an envelope from before
   * receipts).
   */
  public static long proof(long receipt, Type type) {
    return receipt == 0 ? 0 : SipHash.hashLong(receipt, ~receipt, type.ordinal() + 1);
  }

  /** Processed. */
  public static Reply ack(Envelope e, String consumerId, long at) {
    return new Reply(Type.ACK, e.id(), e.producerId(), e.attempt(), consumerId, at, null, false, 0, proof(e.receipt(), Type.ACK));
  }

  /** Failed, with the reason and whether trying again may help. */
  public static Reply nack(Envelope e, String consumerId, long at, String reason, boolean retryable) {
    return new Reply(Type.NACK, e.id(), e.producerId(), e.attempt(), consumerId, at,
        reason == null ? "unknown" : reason, retryable, 0, proof(e.receipt(), Type.NACK));
  }

  /** Still processing; wait {@code extendMillis} more. */
  public static Reply inProgress(Envelope e, String consumerId, long at, long extendMillis) {
    if (extendMillis <= 0) {
      throw new IllegalArgumentException("extendMillis must be > 0, was " + extendMillis);
    }
    return new Reply(Type.IN_PROGRESS, e.id(), e.producerId(), e.attempt(), consumerId, at, null, false,
        extendMillis, proof(e.receipt(), Type.IN_PROGRESS));
  }
}

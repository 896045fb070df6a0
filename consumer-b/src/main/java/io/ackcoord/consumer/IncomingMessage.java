package io.ackcoord.consumer;

import io.ackcoord.protocol.Envelope;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * One message as a handler sees it: the envelope's fields, where the record came from, how to write its effects
 * ({@link #effects()}), and a way to ask A for more time.
 */
public interface IncomingMessage {

  /** The parsed envelope of this attempt. */
  Envelope envelope();

  /** The message id: stable across re-sends, the key of dedupe and of any effect the handler writes. */
  default String id() {
    return envelope().id();
  }

  /** The A instance waiting for the reply. */
  default String producerId() {
    return envelope().producerId();
  }

  /** 1 for the first send, +1 for each re-send. */
  default int attempt() {
    return envelope().attempt();
  }

  /** Wall time when A accepted the message. */
  default long createdAtMillis() {
    return envelope().createdAtMillis();
  }

  /** Wall time when A sent this attempt. */
  default long sentAtMillis() {
    return envelope().sentAtMillis();
  }

  /** How long A waits for a reply to this attempt before it re-sends. */
  default long timeoutMillis() {
    return envelope().timeoutMillis();
  }

  /** The caller's content type, or {@code null}. */
  default String contentType() {
    return envelope().contentType();
  }

  /** The caller's bytes; the array is shared, do not modify it. */
  default byte[] payload() {
    return envelope().payload();
  }

  /** Topic the record was read from. */
  String topic();

  /** Partition the record was read from. */
  int partition();

  /** Offset of the record. */
  long offset();

  /**
   * Where this message's Kafka effects go, so that they are as durable as {@code processing.guarantee} says:
   * written now behind B's ownership check (at-least-once), or in the transaction that also commits the ACK and the
   * offset (exactly-once). Wait for each {@code send}'s Future before completing the handler's.
   */
  Effects effects();

  /**
   * Tells A this attempt is still being processed and to wait {@code extension} more, counted from when A reads
   * the reply (an IN_PROGRESS reply, like SQS's ChangeMessageVisibility). Safe to call from any thread.
   *
   * @return completes when the broker confirmed the reply; fails if the extension is not positive or the message
   *     is already finished
   */
  Future<Void> extendDeadline(Duration extension);
}

package io.ackcoord.consumer;

import io.vertx.core.json.JsonObject;

/**
 * B's counters, read-only, as {@code GET /api/status} shows them ({@link ConsumerVerticle#stats()}). Safe to read
 * from any thread.
 */
public interface ConsumerCounters {

  /** Records read from topic 1, valid or not. */
  long received();

  /** Messages whose handler succeeded. */
  long processed();

  /** Copies answered from the dedupe record or from a copy already running, without calling the handler. */
  long duplicates();

  /** ACK replies the broker confirmed. */
  long acksSent();

  /** NACK replies the broker confirmed. */
  long nacksSent();

  /** IN_PROGRESS replies the broker confirmed. */
  long inProgressSent();

  /** Records that were not valid envelopes. */
  long poison();

  /** Records received and not finished (reply or poison write not yet confirmed). */
  long inFlight();

  /** Offset commits that succeeded (at-least-once mode; exactly-once commits offsets in its transactions). */
  long committed();

  /** Handler calls that failed (each answered with a NACK). */
  long handlerFailures();

  /**
   * Records left unanswered because their partition moved to another B first (revoked or lost): the new owner
   * answers them.
   */
  long dropped();

  /** Effect records a handler wrote through {@link Effects} (exactly-once: once their transaction committed). */
  long effectsWritten();

  /** Effects refused because this B could not confirm it still owned the message's partition. */
  long effectsRefused();

  /** Commits made only to renew the lease. */
  long leaseRenewals();

  /** Transactions committed (exactly-once mode). */
  long transactions();

  /** Transactions aborted and retried (exactly-once mode). */
  long transactionAborts();

  /**
   * Records a share group delivered again (share mode), accepted without processing: A's re-send, not the broker's,
   * is what processes a message again.
   */
  long redelivered();

  /** The counters as JSON, with the names the status page uses. */
  JsonObject toJson();
}

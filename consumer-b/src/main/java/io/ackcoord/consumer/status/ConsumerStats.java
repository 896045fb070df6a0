package io.ackcoord.consumer.status;

import io.ackcoord.consumer.Effects;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;

/**
 * B's counters, as shown by {@code GET /api/status}. Written by B's event loop; atomics only so that a test or a
 * metrics thread reading them sees current values.
 */
public final class ConsumerStats {

  public final AtomicLong received = new AtomicLong();
  public final AtomicLong processed = new AtomicLong();
  public final AtomicLong duplicates = new AtomicLong();
  public final AtomicLong acksSent = new AtomicLong();
  public final AtomicLong nacksSent = new AtomicLong();
  public final AtomicLong inProgressSent = new AtomicLong();
  public final AtomicLong poison = new AtomicLong();
  public final AtomicLong inFlight = new AtomicLong();
  public final AtomicLong committed = new AtomicLong();
  public final AtomicLong handlerFailures = new AtomicLong();
  public final AtomicLong dropped = new AtomicLong();
  public final AtomicLong effectsWritten = new AtomicLong();
  public final AtomicLong effectsRefused = new AtomicLong();
  public final AtomicLong leaseRenewals = new AtomicLong();
  public final AtomicLong transactions = new AtomicLong();
  public final AtomicLong transactionAborts = new AtomicLong();

  /** Records read from topic 1, valid or not. */
  public long received() {
    return received.get();
  }

  /** Messages whose handler succeeded. */
  public long processed() {
    return processed.get();
  }

  /** Copies answered from the dedupe record or from a copy already running, without calling the handler. */
  public long duplicates() {
    return duplicates.get();
  }

  /** ACK replies the broker confirmed. */
  public long acksSent() {
    return acksSent.get();
  }

  /** NACK replies the broker confirmed. */
  public long nacksSent() {
    return nacksSent.get();
  }

  /** IN_PROGRESS replies the broker confirmed. */
  public long inProgressSent() {
    return inProgressSent.get();
  }

  /** Records that were not valid envelopes. */
  public long poison() {
    return poison.get();
  }

  /** Records received and not finished (reply or poison write not yet confirmed). */
  public long inFlight() {
    return inFlight.get();
  }

  /** Offset commits that succeeded (at-least-once mode; exactly-once commits offsets in its transactions). */
  public long committed() {
    return committed.get();
  }

  /** Handler calls that failed (each answered with a NACK). */
  public long handlerFailures() {
    return handlerFailures.get();
  }

  /**
   * Records left unanswered because their partition moved to another B first (revoked or lost): the new owner
   * answers them.
   */
  public long dropped() {
    return dropped.get();
  }

  /** Effect records a handler wrote through {@link Effects} (exactly-once: once their transaction committed). */
  public long effectsWritten() {
    return effectsWritten.get();
  }

  /** Effects refused because this B could not confirm it still owned the message's partition. */
  public long effectsRefused() {
    return effectsRefused.get();
  }

  /** Commits made only to renew the lease. */
  public long leaseRenewals() {
    return leaseRenewals.get();
  }

  /** Transactions committed (exactly-once mode). */
  public long transactions() {
    return transactions.get();
  }

  /** Transactions aborted and retried (exactly-once mode). */
  public long transactionAborts() {
    return transactionAborts.get();
  }

  /** The counters as JSON, with the names the status page uses. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("received", received())
        .put("processed", processed())
        .put("duplicates", duplicates())
        .put("acksSent", acksSent())
        .put("nacksSent", nacksSent())
        .put("inProgressSent", inProgressSent())
        .put("poison", poison())
        .put("inFlight", inFlight())
        .put("committed", committed())
        .put("handlerFailures", handlerFailures())
        .put("dropped", dropped())
        .put("effectsWritten", effectsWritten())
        .put("effectsRefused", effectsRefused())
        .put("leaseRenewals", leaseRenewals())
        .put("transactions", transactions())
        .put("transactionAborts", transactionAborts());
  }
}

package io.ackcoord.consumer;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;

/**
 * B's counters, as shown by {@code GET /api/status}. Written by B's event loop; atomics only so that a test or a
 * metrics thread reading them sees current values.
 */
public final class ConsumerStats {

  final AtomicLong received = new AtomicLong();
  final AtomicLong processed = new AtomicLong();
  final AtomicLong duplicates = new AtomicLong();
  final AtomicLong acksSent = new AtomicLong();
  final AtomicLong nacksSent = new AtomicLong();
  final AtomicLong inProgressSent = new AtomicLong();
  final AtomicLong poison = new AtomicLong();
  final AtomicLong inFlight = new AtomicLong();
  final AtomicLong committed = new AtomicLong();
  final AtomicLong handlerFailures = new AtomicLong();

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

  /** Offset commits that succeeded. */
  public long committed() {
    return committed.get();
  }

  /** Handler calls that failed (each answered with a NACK). */
  public long handlerFailures() {
    return handlerFailures.get();
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
        .put("handlerFailures", handlerFailures());
  }
}

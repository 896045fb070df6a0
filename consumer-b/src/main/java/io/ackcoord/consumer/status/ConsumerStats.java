package io.ackcoord.consumer.status;

import io.ackcoord.consumer.ConsumerCounters;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;

/**
 * B's counters, as shown by {@code GET /api/status}: the writable side of {@link ConsumerCounters}. Written by B's
 * event loop; atomics only so that a test or a metrics thread reading them sees current values.
 */
public final class ConsumerStats implements ConsumerCounters {

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
  public final AtomicLong redelivered = new AtomicLong();

  @Override
  public long received() {
    return received.get();
  }

  @Override
  public long processed() {
    return processed.get();
  }

  @Override
  public long duplicates() {
    return duplicates.get();
  }

  @Override
  public long acksSent() {
    return acksSent.get();
  }

  @Override
  public long nacksSent() {
    return nacksSent.get();
  }

  @Override
  public long inProgressSent() {
    return inProgressSent.get();
  }

  @Override
  public long poison() {
    return poison.get();
  }

  @Override
  public long inFlight() {
    return inFlight.get();
  }

  @Override
  public long committed() {
    return committed.get();
  }

  @Override
  public long handlerFailures() {
    return handlerFailures.get();
  }

  @Override
  public long dropped() {
    return dropped.get();
  }

  @Override
  public long effectsWritten() {
    return effectsWritten.get();
  }

  @Override
  public long effectsRefused() {
    return effectsRefused.get();
  }

  @Override
  public long leaseRenewals() {
    return leaseRenewals.get();
  }

  @Override
  public long transactions() {
    return transactions.get();
  }

  @Override
  public long transactionAborts() {
    return transactionAborts.get();
  }

  @Override
  public long redelivered() {
    return redelivered.get();
  }

  @Override
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
        .put("transactionAborts", transactionAborts())
        .put("redelivered", redelivered());
  }
}

package io.ackcoord.consumer.runtime;

import io.ackcoord.consumer.OwnershipLostException;
import io.ackcoord.consumer.loop.InFlightLimit;
import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.consumer.loop.PartitionEpochs;
import io.ackcoord.consumer.loop.PartitionGate;
import io.ackcoord.consumer.offsets.OffsetTracker;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.protocol.SafeText;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Record intake, on B's event loop: each batch the consumer thread polled (B1 Poll) is tracked and passed through
 * the {@link PartitionGate} (B2 Gate) to the pipeline, which parses and processes it (B3 Parse onwards); each
 * finished record is counted off again. It also keeps the in-flight count under {@code processing.max.in.flight}
 * by pausing and resuming fetches, and tells a stop when nothing is in flight any more.
 */
final class RecordIntake {

  /** What the intake needs from the consumer thread. */
  interface Fetch {

    /** The batch handed over was taken; the consumer thread may poll again. */
    void taken();

    /** Pauses ({@code true}) or resumes every partition's fetching. */
    void pause(boolean pause);
  }

  private static final Logger LOG = LoggerFactory.getLogger(RecordIntake.class);

  private final Fetch fetch;
  private final PartitionEpochs epochs;
  private final OffsetTracker offsets;
  private final ConsumerStats stats;
  private final InFlightLimit limit;
  private final RunState state;
  private final PartitionGate gate;
  private final IdleWait idle;

  /** @param process starts one record past the gate (the pipeline); completes when the record is finished */
  RecordIntake(Vertx vertx, Fetch fetch, PartitionEpochs epochs, OffsetTracker offsets, ConsumerStats stats,
      InFlightLimit limit, RunState state, Function<Inbound, Future<Void>> process) {
    this.fetch = fetch;
    this.epochs = epochs;
    this.offsets = offsets;
    this.stats = stats;
    this.limit = limit;
    this.state = state;
    this.gate = new PartitionGate(vertx, process, this::finished);
    this.idle = new IdleWait(vertx, stats);
  }

  /** The gate records pass (B2): the rebalance handling opens, drains and forgets its partitions. */
  PartitionGate gate() {
    return gate;
  }

  /** B1 Poll: one poll's records, in order. */
  void records(List<Inbound> records) {
    fetch.taken();
    for (Inbound in : records) {
      // Not tracked, so never committed: the next owner (or this B after a restart) reads them again.
      if (!state.accepting() || !epochs.isCurrent(in.partition(), in.epoch())) {
        continue;
      }
      // Tracked before anything can complete it, so the commit position cannot pass it.
      offsets.track(in.partition(), in.offset(), in.epoch());
      stats.received.incrementAndGet();
      stats.inFlight.incrementAndGet();
      // B2 Gate: started now, or once the partition is restored; refused if the partition is draining.
      if (!gate.offer(in)) {
        stats.inFlight.decrementAndGet();
      }
    }
    applyLimit();
  }

  /** Records taken back unstarted from the gate (their partition is draining, or B stops): no longer in flight. */
  void drained(int count) {
    stats.inFlight.addAndGet(-count);
  }

  /** Records dropped unanswered because their partition is gone: the new owner answers them. */
  void dropped(int count) {
    stats.inFlight.addAndGet(-count);
    stats.dropped.addAndGet(count);
    applyLimit();
    checkIdle();
  }

  /** Completes once no record is in flight, or after {@code timeoutMillis}. */
  Future<Void> awaitIdle(long timeoutMillis) {
    return idle.await(timeoutMillis);
  }

  private void finished(Inbound in, AsyncResult<Void> result) {
    stats.inFlight.decrementAndGet();
    if (result.failed()) {
      if (OwnershipLostException.isCause(result.cause())) {
        stats.dropped.incrementAndGet();
        LOG.debug("Record {} dropped: {}", in, SafeText.forLog(result.cause().getMessage()));
      } else if (!state.stopping()) {
        LOG.warn("Record {} left unfinished ({}); its offset stays uncommitted, so it will be read again", in,
            SafeText.forLog(result.cause()));
      }
    }
    applyLimit();
    checkIdle();
  }

  private void checkIdle() {
    idle.check();
  }

  // Backpressure: pause every partition above the limit, resume below it; B stays in its group meanwhile.
  private void applyLimit() {
    if (state.stopping()) {
      return;
    }
    InFlightLimit.Decision decision = limit.update(stats.inFlight());
    if (decision != InFlightLimit.Decision.NONE) {
      LOG.debug("{} fetching at {} records in flight", decision, stats.inFlight());
      fetch.pause(decision == InFlightLimit.Decision.PAUSE);
    }
  }
}

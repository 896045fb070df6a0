package io.ackcoord.consumer.runtime;

import io.ackcoord.consumer.DedupeStore;
import io.ackcoord.consumer.MessageHandler;
import io.ackcoord.consumer.guarantee.Guarantee;
import io.ackcoord.consumer.kafka.Backoff;
import io.ackcoord.consumer.loop.LeaseGuard;
import io.ackcoord.consumer.loop.PartitionEpochs;
import io.ackcoord.consumer.loop.PartitionGate;
import io.ackcoord.consumer.offsets.OffsetTracker;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What B does when partitions move, called from the consumer's own rebalance callbacks (on the consumer thread,
 * before the consumer rejoins) and carried out on B's event loop:
 * <ul>
 *   <li><b>assigned</b>: the partitions are gated (B2) until the dedupe record and the handler's state for them are
 *       restored; a failed restore is retried with backoff while the partition is still owned;</li>
 *   <li><b>revoking</b>: the partitions drain (queued records dropped unstarted, nothing new permitted), started
 *       records get up to {@code shutdown.timeout.ms} to finish, the guarantee makes them durable and the
 *       positions to commit are handed back to the consumer thread, which commits them before letting go;</li>
 *   <li><b>gone</b> (revoked, or lost: another B may own them already): everything held for them is dropped.</li>
 * </ul>
 * The epoch each partition got at assignment travels with the work, so work that outlives its ownership ends
 * without a reply, a marker or a commit.
 */
final class Rebalance {

  private static final Logger LOG = LoggerFactory.getLogger(Rebalance.class);
  /** Beyond shutdown.timeout.ms, how long a revocation waits for B's event loop before letting go anyway. */
  static final long REVOKE_MARGIN_MS = 5_000;

  private final Vertx vertx;
  private final Context context;
  private final PartitionEpochs epochs;
  private final OffsetTracker offsets;
  private final RecordIntake intake;
  private final PartitionGate gate;
  private final DedupeStore dedupe;
  private final MessageHandler handler;
  private final LeaseGuard guard;
  private final Guarantee guarantee;
  private final RunState state;
  private final long shutdownTimeoutMillis;
  private final Backoff backoff;

  Rebalance(Vertx vertx, Context context, PartitionEpochs epochs, OffsetTracker offsets, RecordIntake intake,
      DedupeStore dedupe, MessageHandler handler, LeaseGuard guard, Guarantee guarantee, RunState state,
      long shutdownTimeoutMillis, Backoff backoff) {
    this.vertx = vertx;
    this.context = context;
    this.epochs = epochs;
    this.offsets = offsets;
    this.intake = intake;
    this.gate = intake.gate();
    this.dedupe = dedupe;
    this.handler = handler;
    this.guard = guard;
    this.guarantee = guarantee;
    this.state = state;
    this.shutdownTimeoutMillis = shutdownTimeoutMillis;
    this.backoff = backoff;
  }

  // ---- on the consumer thread ----

  /** Partitions were assigned and their epochs set (consumer thread): restore them on B's event loop. */
  void assigned(Set<TopicPartition> partitions) {
    // Read here, on the thread that just set them.
    Map<TopicPartition, Long> assigned = new HashMap<>();
    partitions.forEach(tp -> assigned.put(tp, epochs.current(tp)));
    context.runOnContext(v -> onAssigned(assigned));
  }

  /**
   * Partitions are being revoked (consumer thread): waits, bounded, for B's event loop to drain them and returns
   * the positions to commit before they go, or nothing if B did not finish in time.
   */
  Map<TopicPartition, OffsetAndMetadata> revoking(Set<TopicPartition> partitions) {
    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> positions = new CompletableFuture<>();
    context.runOnContext(v -> onRevoking(partitions).onComplete(ar ->
        positions.complete(ar.succeeded() ? ar.result() : Map.of())));
    // The consumer thread may wait; the event loop never waits for it.
    try {
      return positions.get(shutdownTimeoutMillis + REVOKE_MARGIN_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      LOG.warn("Revoking {}: B did not finish in time; letting go without committing", partitions);
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  /** Partitions are gone, revoked or lost (consumer thread). */
  void gone(Set<TopicPartition> partitions, boolean lost) {
    context.runOnContext(v -> onGone(partitions, lost));
  }

  // ---- on B's event loop ----

  private void onAssigned(Map<TopicPartition, Long> assigned) {
    LOG.info("Assigned {}: restoring their processed ids before processing them", assigned.keySet());
    assigned.forEach(gate::assigned);
    restore(assigned, 1);
  }

  /** B2 Gate: the dedupe record and the handler's state for the partitions, then the gate opens. Retried until gone. */
  private void restore(Map<TopicPartition, Long> assigned, int attempt) {
    Set<TopicPartition> partitions = Set.copyOf(assigned.keySet());
    dedupe.restore(partitions)
        .compose(v -> handlerAssigned(partitions))
        .onComplete(ar -> {
          Map<TopicPartition, Long> current = new HashMap<>();
          assigned.forEach((tp, epoch) -> {
            if (epochs.isCurrent(tp, epoch)) {
              current.put(tp, epoch);
            }
          });
          Set<TopicPartition> gone = new HashSet<>(partitions);
          gone.removeAll(current.keySet());
          if (!gone.isEmpty()) {
            // Revoked while restoring: what was just loaded for them is not ours.
            dedupe.forget(gone);
            handlerRevoked(gone);
          }
          if (ar.succeeded()) {
            current.forEach(gate::open);
          } else if (!current.isEmpty() && !state.stopping()) {
            long delay = backoff.delayMillis(attempt);
            LOG.warn("Restoring {} failed (try {}), again in {} ms: {}", current.keySet(), attempt, delay,
                ar.cause().toString());
            vertx.setTimer(delay, id -> restore(current, attempt + 1));
          }
        });
  }

  /** The partitions are draining: wait for their started records, then make them durable. */
  private Future<Map<TopicPartition, OffsetAndMetadata>> onRevoking(Set<TopicPartition> partitions) {
    long wait = state.stopping() ? 0 : shutdownTimeoutMillis;
    LOG.info("Revoking {}: finishing their started records (up to {} ms)", partitions, wait);
    intake.drained(gate.drain(partitions));
    guard.abandon(partitions);
    return gate.whenIdle(partitions, wait).compose(v -> guarantee.drain(partitions));
  }

  private void onGone(Set<TopicPartition> partitions, boolean lost) {
    if (lost) {
      LOG.warn("Lost {}: another B may own them already; dropping their work unanswered", partitions);
    } else {
      LOG.info("Revoked {}", partitions);
    }
    int dropped = gate.forget(partitions);
    offsets.forget(partitions);
    dedupe.forget(partitions);
    guarantee.forget(partitions);
    handlerRevoked(partitions);
    intake.dropped(dropped);
  }

  private Future<Void> handlerAssigned(Set<TopicPartition> partitions) {
    try {
      return Objects.requireNonNullElseGet(handler.onPartitionsAssigned(partitions), Future::succeededFuture);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void handlerRevoked(Set<TopicPartition> partitions) {
    try {
      handler.onPartitionsRevoked(partitions);
    } catch (RuntimeException e) {
      LOG.warn("{}.onPartitionsRevoked failed: {}", handler, e.toString());
    }
  }
}

package io.ackcoord.consumer.offsets;

import io.ackcoord.consumer.kafka.Backoff;
import io.ackcoord.consumer.loop.ConsumerLoop;
import io.ackcoord.consumer.status.ConsumerStats;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At-least-once B7 Commit: turns completed offsets into commits, coalesced. At most one commit is in flight;
 * completions that arrive meanwhile are committed together by the next one, so a busy B commits once per broker round
 * trip, not once per record.
 *
 * <p>Guarantee: only positions {@link OffsetTracker#drainCommittable()} hands out are committed, so no offset is
 * committed before its reply was confirmed. A failed commit is put back and retried with {@link Backoff}; while it
 * stays uncommitted the worst case is that the records behind it are read and answered again after a restart.
 * Each position goes with the epoch it was read under, and the consumer thread commits it only while that epoch is
 * current, so a commit never lands on a partition another B owns now. Event-loop confined.
 */
public final class OffsetCommitter {

  /** Commits positions, each only while its partition is owned under the given epoch. */
  @FunctionalInterface
  public interface CommitFn {
    Future<?> commit(Map<TopicPartition, OffsetAndMetadata> positions, Map<TopicPartition, Long> epochs);
  }

  private static final Logger LOG = LoggerFactory.getLogger(OffsetCommitter.class);

  private final Vertx vertx;
  private final OffsetTracker tracker;
  private final CommitFn commitFn;
  private final ConsumerStats stats;
  private final Backoff backoff;

  private Future<Void> inFlight;
  private boolean again;
  private int failures;
  private long retryTimer = -1;
  private boolean closed;

  /** @param commitFn commits the given positions, e.g. {@link ConsumerLoop#commit}; completes when confirmed */
  public OffsetCommitter(Vertx vertx, OffsetTracker tracker, CommitFn commitFn, ConsumerStats stats, Backoff backoff) {
    this.vertx = vertx;
    this.tracker = tracker;
    this.commitFn = commitFn;
    this.stats = stats;
    this.backoff = backoff;
  }

  /** Commits what is committable now, or right after the commit in flight finishes. */
  public void request() {
    if (closed) {
      return;
    }
    if (inFlight != null) {
      again = true;
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> batch = tracker.drainCommittable();
    if (batch.isEmpty()) {
      return;
    }
    inFlight = commit(batch);
    inFlight.onComplete(ar -> {
      inFlight = null;
      if (again) {
        again = false;
        request();
      }
    });
  }

  /**
   * Commits the committable positions of partitions being revoked, at once and outside the coalescing: the new
   * owner starts from what is committed, and the tracker forgets these partitions right after.
   */
  Future<Void> commitRevoked(Collection<TopicPartition> revoked) {
    Map<TopicPartition, OffsetAndMetadata> batch = tracker.drainCommittable(revoked);
    return batch.isEmpty() || closed ? Future.succeededFuture() : commit(batch);
  }

  /**
   * The last commit for a stop: waits for the commit in flight, then commits everything committable; no more
   * commits are started after it.
   */
  public Future<Void> flush() {
    // Closed first: a commit in flight that finishes now must not start a follow-up this flush would not wait for.
    cancelRetry();
    closed = true;
    Future<Void> previous = inFlight == null ? Future.succeededFuture() : inFlight;
    return previous.transform(ar -> {
      Map<TopicPartition, OffsetAndMetadata> batch = tracker.drainCommittable();
      return batch.isEmpty() ? Future.succeededFuture() : commit(batch);
    });
  }

  /**
   * Commits the current position of every tracked partition even if it did not move, so the group coordinator
   * confirms this B's membership (and the lease renews). Runs after the commit in flight; fails if the commit does.
   */
  public Future<Void> renew() {
    Future<Void> previous = inFlight == null ? Future.succeededFuture() : inFlight;
    return previous.transform(ar -> {
      Map<TopicPartition, OffsetAndMetadata> positions = tracker.positions();
      if (closed || positions.isEmpty()) {
        return Future.failedFuture(new IllegalStateException("no position to commit"));
      }
      return invoke(positions).<Void>mapEmpty().onSuccess(v -> stats.leaseRenewals.incrementAndGet());
    });
  }

  /** Stops committing, e.g. when start-up failed. */
  public void close() {
    closed = true;
    cancelRetry();
  }

  /** Whether a commit is in flight (for tests). */
  boolean busy() {
    return inFlight != null;
  }

  private Future<?> invoke(Map<TopicPartition, OffsetAndMetadata> batch) {
    Map<TopicPartition, Long> epochs = new HashMap<>();
    batch.keySet().forEach(tp -> epochs.put(tp, tracker.epoch(tp)));
    try {
      return commitFn.commit(batch, epochs);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Void> commit(Map<TopicPartition, OffsetAndMetadata> batch) {
    Promise<Void> done = Promise.promise();
    invoke(batch).onComplete(ar -> {
      if (ar.succeeded()) {
        failures = 0;
        stats.committed.incrementAndGet();
        LOG.debug("Committed {}", batch);
        done.complete();
      } else {
        tracker.commitFailed(batch);
        failures++;
        scheduleRetry(ar.cause());
        done.fail(ar.cause());
      }
    });
    // Callers chain on the outcome only to sequence; a failed commit is handled (and retried) here.
    return done.future().recover(err -> Future.succeededFuture());
  }

  private void scheduleRetry(Throwable cause) {
    if (closed && isClosing(cause)) {
      LOG.debug("Commit interrupted by the close: {}", cause.toString());
      return;
    }
    if (closed || retryTimer >= 0) {
      LOG.warn("Commit failed: {}", cause.toString());
      return;
    }
    long delay = backoff.delayMillis(failures);
    LOG.warn("Commit failed (failure {}), retrying in {} ms: {}", failures, delay, cause.toString());
    retryTimer = vertx.setTimer(delay, id -> {
      retryTimer = -1;
      request();
    });
  }

  /** What a consumer being closed throws at a commit: expected then, not worth a warning. */
  private static boolean isClosing(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof WakeupException || t instanceof InterruptException || t instanceof InterruptedException
          || t instanceof IllegalStateException) {
        return true;
      }
    }
    return false;
  }

  private void cancelRetry() {
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
  }
}

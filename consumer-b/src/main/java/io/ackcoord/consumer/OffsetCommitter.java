package io.ackcoord.consumer;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 5: turns completed offsets into commits, coalesced. At most one commit is in flight; completions that
 * arrive meanwhile are committed together by the next one, so a busy B commits once per broker round trip, not once
 * per record.
 *
 * <p>Guarantee: only positions {@link OffsetTracker#drainCommittable()} hands out are committed, so no offset is
 * committed before its reply was confirmed. A failed commit is put back and retried with {@link Backoff}; while it
 * stays uncommitted the worst case is that the records behind it are read and answered again after a restart.
 * Event-loop confined.
 */
final class OffsetCommitter {

  private static final Logger LOG = LoggerFactory.getLogger(OffsetCommitter.class);

  private final Vertx vertx;
  private final OffsetTracker tracker;
  private final Function<Map<TopicPartition, OffsetAndMetadata>, Future<?>> commitFn;
  private final ConsumerStats stats;
  private final Backoff backoff;

  private Future<Void> inFlight;
  private boolean again;
  private int failures;
  private long retryTimer = -1;
  private boolean closed;

  /**
   * @param commitFn commits the given positions, e.g. {@code KafkaReadStream::commit}; completes when the broker
   *                 confirmed
   */
  OffsetCommitter(Vertx vertx, OffsetTracker tracker,
      Function<Map<TopicPartition, OffsetAndMetadata>, Future<?>> commitFn, ConsumerStats stats, Backoff backoff) {
    this.vertx = vertx;
    this.tracker = tracker;
    this.commitFn = commitFn;
    this.stats = stats;
    this.backoff = backoff;
  }

  /** Commits what is committable now, or right after the commit in flight finishes. */
  void request() {
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
  Future<Void> flush() {
    Future<Void> previous = inFlight == null ? Future.succeededFuture() : inFlight;
    return previous.transform(ar -> {
      cancelRetry();
      closed = true;
      Map<TopicPartition, OffsetAndMetadata> batch = tracker.drainCommittable();
      return batch.isEmpty() ? Future.succeededFuture() : commit(batch);
    });
  }

  /** Stops committing, e.g. when start-up failed. */
  void close() {
    closed = true;
    cancelRetry();
  }

  /** Whether a commit is in flight (for tests). */
  boolean busy() {
    return inFlight != null;
  }

  private Future<Void> commit(Map<TopicPartition, OffsetAndMetadata> batch) {
    Promise<Void> done = Promise.promise();
    Future<?> result;
    try {
      result = commitFn.apply(batch);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
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

  private void cancelRetry() {
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
  }
}

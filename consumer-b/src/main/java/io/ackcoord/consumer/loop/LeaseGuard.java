package io.ackcoord.consumer.loop;

import io.ackcoord.consumer.OwnershipLostException;
import io.ackcoord.consumer.kafka.Backoff;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zombie guard in front of every effect: an effect for a record may start only while the record's partition is
 * owned under the epoch it was read with (not draining) and the {@link Lease} holds. A lapsed lease is renewed by an
 * offset commit (one at a time, shared by every waiting effect); renewal is retried with backoff for up to one lease
 * duration, re-checking ownership each time, because a B that was frozen learns that it lost its partitions only
 * when its consumer next talks to the group.
 *
 * <p>Outcomes: success; {@link OwnershipLostException} (the partition moved: write nothing, reply nothing); or
 * {@link LeaseUnavailableException} (still the owner as far as B knows, but the group could not confirm it in time:
 * the handler fails retryably and A re-sends). Event-loop confined.
 */
public final class LeaseGuard implements EffectGuard {

  /** The lease could not be renewed in time; retryable. */
  static final class LeaseUnavailableException extends RuntimeException {
    LeaseUnavailableException(String message) {
      super(message, null, false, false);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(LeaseGuard.class);

  private final Vertx vertx;
  private final Clock clock;
  private final PartitionEpochs epochs;
  private final Lease lease;
  private final Supplier<Future<Void>> renew;
  private final Backoff backoff;
  private final ConsumerStats stats;
  private final Map<Promise<Void>, Inbound> waiting = new HashMap<>();
  private Future<Void> renewal;

  /** @param renew commits offsets so the group coordinator confirms B's membership (and so the lease) */
  public LeaseGuard(Vertx vertx, Clock clock, PartitionEpochs epochs, Lease lease, Supplier<Future<Void>> renew,
      Backoff backoff, ConsumerStats stats) {
    this.vertx = vertx;
    this.clock = clock;
    this.epochs = epochs;
    this.lease = lease;
    this.renew = renew;
    this.backoff = backoff;
    this.stats = stats;
  }

  @Override
  public Future<Void> permit(Inbound in) {
    if (!epochs.mayStart(in.partition(), in.epoch())) {
      return Future.failedFuture(lost(in));
    }
    if (lease.valid()) {
      return Future.succeededFuture();
    }
    Promise<Void> permit = Promise.promise();
    waiting.put(permit, in);
    renewThenCheck(in, 1, clock.monotonicMillis() + lease.durationMillis()).onComplete(ar -> {
      waiting.remove(permit);
      if (ar.succeeded()) {
        permit.tryComplete();
      } else {
        permit.tryFail(ar.cause());
      }
    });
    return permit.future();
  }

  /**
   * The partitions are being revoked: effects still waiting for a renewal there fail now. The renewal may need the
   * consumer thread, which is busy revoking them, so waiting would hold the rebalance up for nothing.
   */
  public void abandon(Set<TopicPartition> partitions) {
    List<Promise<Void>> lost = new ArrayList<>();
    waiting.forEach((permit, in) -> {
      if (partitions.contains(in.partition())) {
        lost.add(permit);
      }
    });
    lost.forEach(permit -> {
      Inbound in = waiting.remove(permit);
      stats.effectsRefused.incrementAndGet();
      permit.tryFail(lost(in));
    });
  }

  private Future<Void> renewThenCheck(Inbound in, int attempt, long giveUpAt) {
    return renewOnce().transform(ar -> {
      if (!epochs.mayStart(in.partition(), in.epoch())) {
        stats.effectsRefused.incrementAndGet();
        return Future.failedFuture(lost(in));
      }
      if (lease.valid()) {
        return Future.succeededFuture();
      }
      if (clock.monotonicMillis() >= giveUpAt) {
        stats.effectsRefused.incrementAndGet();
        return Future.failedFuture(new LeaseUnavailableException("the consumer group did not confirm that this B "
            + "still owns " + in.partition() + " within " + lease.durationMillis() + " ms"));
      }
      long delay = backoff.delayMillis(attempt);
      LOG.debug("Lease for {} not renewed ({}), again in {} ms", in, ar.failed() ? ar.cause().toString() : "lapsed",
          delay);
      return vertx.timer(delay).compose(v -> renewThenCheck(in, attempt + 1, giveUpAt));
    });
  }

  private Future<Void> renewOnce() {
    if (renewal != null) {
      return renewal;
    }
    Future<Void> started;
    try {
      started = renew.get();
    } catch (RuntimeException e) {
      started = Future.failedFuture(e);
    }
    Future<Void> mine = started;
    renewal = mine;
    // A renewal that completed synchronously must not stay cached.
    mine.onComplete(ar -> {
      if (renewal == mine) {
        renewal = null;
      }
    });
    return mine;
  }

  private static OwnershipLostException lost(Inbound in) {
    return new OwnershipLostException("this B no longer owns " + in.partition() + " (read under epoch "
        + in.epoch() + ")");
  }
}

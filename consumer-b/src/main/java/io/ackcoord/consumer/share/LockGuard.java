package io.ackcoord.consumer.share;

import io.ackcoord.consumer.OwnershipLostException;
import io.ackcoord.consumer.loop.EffectGuard;
import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.consumer.status.ConsumerStats;
import io.vertx.core.Future;

/**
 * The zombie guard of share mode: an effect or a settle for a record may start only while B still holds the broker's
 * lock on it with more than {@link ShareLocks#marginMillis()} left. A B that froze past its lock finds it lapsed when
 * it wakes and writes nothing more for the record; the broker has released it, and A re-sends it at its deadline.
 */
public final class LockGuard implements EffectGuard {

  private final ShareLocks locks;
  private final ConsumerStats stats;

  public LockGuard(ShareLocks locks, ConsumerStats stats) {
    this.locks = locks;
    this.stats = stats;
  }

  @Override
  public Future<Void> permit(Inbound in) {
    if (held(in)) {
      return Future.succeededFuture();
    }
    stats.effectsRefused.incrementAndGet();
    return Future.failedFuture(lapsed(in));
  }

  /** Whether B still holds {@code in}'s lock with the margin left. */
  public boolean held(Inbound in) {
    return locks.held(ShareLoop.key(in));
  }

  /** The failure for a record whose lock lapsed: nothing more is written for it. */
  public static OwnershipLostException lapsed(Inbound in) {
    return new OwnershipLostException("this B's lock on " + ShareLoop.key(in) + " lapsed; the broker may give the "
        + "record to another B");
  }
}

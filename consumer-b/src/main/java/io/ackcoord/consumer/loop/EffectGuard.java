package io.ackcoord.consumer.loop;

import io.vertx.core.Future;

/**
 * What stands in front of every effect and settle of a record: whether this B may still act for it. In a consumer
 * group that is the partition's ownership and the {@link Lease} ({@link LeaseGuard}); in a share group, the broker's
 * acquisition lock on the record ({@code io.ackcoord.consumer.share.LockGuard}).
 */
public interface EffectGuard {

  /**
   * Completes when an effect for {@code in} may start now; fails with
   * {@link io.ackcoord.consumer.OwnershipLostException} when another B may have the record (write nothing, reply
   * nothing), or with a retryable error when that cannot be told in time.
   */
  Future<Void> permit(Inbound in);
}

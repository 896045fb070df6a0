package io.ackcoord.consumer;

import io.ackcoord.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long B may still trust that the group has not given its partitions to another B: the zombie guard of
 * at-least-once mode.
 *
 * <p>The group coordinator takes a member's partitions away only after its session expired, and an offset commit it
 * accepts restarts that session (classic protocol). So when a commit sent at monotonic time {@code t} succeeds, no
 * other B can own our partitions before {@code t + session.timeout.ms}. The lease runs {@code duration} from the
 * send time of the latest confirmed commit (or group join); B starts an effect only while it holds, and renews it
 * by committing when it has lapsed. A B frozen past its session (SIGSTOP, a long GC pause, a suspended VM) wakes up
 * with a lapsed lease, and its renewing commit is refused: it starts no effect over the new owner's work.
 *
 * <p>Guarantee: {@link #valid()} is true only within {@code duration} of a confirmation; time is the monotonic
 * clock, so a wall-clock step changes nothing. What it cannot do: stop an effect already handed to the producer from
 * landing late, or tell two live B processes sharing one {@code consumer.instance.id} apart. Thread-safe: confirmed
 * on the consumer thread, read on the event loop.
 */
final class Lease {

  private final Clock clock;
  private final long durationMillis;
  private final AtomicLong confirmedAt;

  /**
   * @param durationMillis how long a confirmation holds; less than the session timeout, the rest being the margin
   *                       for an effect started at the end of the lease to land
   */
  Lease(Clock clock, long durationMillis) {
    if (durationMillis < 1) {
      throw new IllegalArgumentException("durationMillis must be >= 1, was " + durationMillis);
    }
    this.clock = clock;
    this.durationMillis = durationMillis;
    // Nothing confirmed yet: lapsed until the first join or commit.
    this.confirmedAt = new AtomicLong(clock.monotonicMillis() - durationMillis - 1);
  }

  /** The coordinator accepted a request of ours sent at {@code sentAtMonotonicMillis}. */
  void confirmed(long sentAtMonotonicMillis) {
    confirmedAt.accumulateAndGet(sentAtMonotonicMillis, Math::max);
  }

  /** Whether an effect may start now. */
  boolean valid() {
    return remainingMillis() > 0;
  }

  /** Milliseconds the lease still holds; 0 or less when it lapsed. */
  long remainingMillis() {
    return confirmedAt.get() + durationMillis - clock.monotonicMillis();
  }

  /** How long a confirmation holds. */
  long durationMillis() {
    return durationMillis;
  }
}

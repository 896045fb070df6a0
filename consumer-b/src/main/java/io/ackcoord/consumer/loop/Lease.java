package io.ackcoord.consumer.loop;

import io.ackcoord.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long B may still trust that the group has not given its partitions to another B: the zombie guard of
 * at-least-once mode.
 *
 * <p>The group coordinator takes a member's partitions away only after its session expired, and an offset commit it
 * accepts restarts that session (classic protocol). So when a commit sent at monotonic time {@code t} succeeds, no
 * other B can own our partitions before {@code t + session.timeout.ms}. Under the consumer protocol (KIP-848) only
 * heartbeats restart it, so the session the lease is computed from is one heartbeat interval shorter
 * ({@code GroupSession#confirmedMillis}). The lease runs {@code duration} from the
 * send time of the latest confirmed commit (or group join); B starts an effect only while it holds, and renews it
 * by committing when it has lapsed. A B frozen past its session (SIGSTOP, a long GC pause, a suspended VM) wakes up
 * with a lapsed lease, and its renewing commit is refused: it starts no effect over the new owner's work.
 *
 * <p>Guarantee: {@link #valid()} is true only within {@code duration} of a confirmation; time is the monotonic
 * clock, so a wall-clock step changes nothing. An effect already handed to the producer can still land late; the
 * broker refuses it when the effect's topic has a fence ({@link #durationFor}). What the lease cannot do: tell two
 * live B processes sharing one {@code consumer.instance.id} apart. Thread-safe: confirmed
 * on the consumer thread, read on the event loop.
 */
public final class Lease {

  private final Clock clock;
  private final long durationMillis;
  private final AtomicLong confirmedAt;

  /**
   * @param durationMillis how long a confirmation holds; less than the session timeout, the rest being the margin
   *                       for an effect started at the end of the lease to land
   */
  public Lease(Clock clock, long durationMillis) {
    if (durationMillis < 1) {
      throw new IllegalArgumentException("durationMillis must be >= 1, was " + durationMillis);
    }
    this.clock = clock;
    this.durationMillis = durationMillis;
    // Nothing confirmed yet: lapsed until the first join or commit.
    this.confirmedAt = new AtomicLong(clock.monotonicMillis() - durationMillis - 1);
  }

  /** A lease shorter than this would have B committing all the time just to keep it. */
  static final long MIN_DURATION_MS = 1_000;

  /**
   * The lease for a session timeout and the fence of B's effect topic (its {@code message.timestamp.before.max.ms},
   * {@link Long#MAX_VALUE} when unset): the session minus the fence. An effect is stamped with the time B found its
   * lease valid, so it either reaches the broker within the fence, which is before another B can own the partition,
   * or the broker refuses it. Without a fence shorter than the session, half the session; the other half is then a
   * margin nothing enforces.
   *
   * @throws IllegalArgumentException if the fence leaves less than {@link #MIN_DURATION_MS} of the session
   */
  public static long durationFor(long sessionMillis, long fenceMillis) {
    if (!fences(sessionMillis, fenceMillis)) {
      return Math.max(1, sessionMillis / 2);
    }
    long duration = sessionMillis - fenceMillis;
    if (duration < MIN_DURATION_MS) {
      throw new IllegalArgumentException("session.timeout.ms " + sessionMillis + " minus the effect fence "
          + fenceMillis + " ms leaves a lease under " + MIN_DURATION_MS + " ms: raise session.timeout.ms or lower "
          + "the results topic's message.timestamp.before.max.ms");
    }
    return duration;
  }

  /** Whether a fence of {@code fenceMillis} can stop a late effect before another B owns the partition. */
  public static boolean fences(long sessionMillis, long fenceMillis) {
    return fenceMillis > 0 && fenceMillis < sessionMillis;
  }

  /** The coordinator accepted a request of ours sent at {@code sentAtMonotonicMillis}. */
  public void confirmed(long sentAtMonotonicMillis) {
    confirmedAt.accumulateAndGet(sentAtMonotonicMillis, Math::max);
  }

  /** Whether an effect may start now. */
  public boolean valid() {
    return remainingMillis() > 0;
  }

  /** Milliseconds the lease still holds; 0 or less when it lapsed. */
  public long remainingMillis() {
    return confirmedAt.get() + durationMillis - clock.monotonicMillis();
  }

  /** How long a confirmation holds. */
  public long durationMillis() {
    return durationMillis;
  }
}

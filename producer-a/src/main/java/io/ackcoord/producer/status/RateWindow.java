package io.ackcoord.producer.status;

import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.producer.tracker.TrackerListener;
import io.ackcoord.time.Clock;

/**
 * Events per second over the last few minutes, for the status page's chart: sends, ACKs, re-sends and dead letters.
 *
 * <p>One ring of per-second buckets per series, indexed by monotonic second; a bucket is zeroed when its slot comes
 * round again, so recording is O(1) and nothing runs on a timer. Pure, with the clock injected: tests drive it
 * without sleeping. Not thread-safe (A's event loop).
 */
public final class RateWindow implements TrackerListener {

  /** What is counted. */
  public enum Series {
    SENDS, ACKS, RETRIES, DEAD_LETTERS
  }

  private static final Series[] SERIES = Series.values();

  private final Clock clock;
  private final int seconds;
  private final long[][] counts;
  private final long[] slotSecond;

  /** @param seconds how many whole seconds of history to keep */
  public RateWindow(Clock clock, int seconds) {
    if (seconds < 1) {
      throw new IllegalArgumentException("window must be at least 1 s: " + seconds);
    }
    this.clock = clock;
    this.seconds = seconds;
    this.counts = new long[SERIES.length][seconds];
    this.slotSecond = new long[seconds];
    java.util.Arrays.fill(slotSecond, Long.MIN_VALUE);
  }

  /** Seconds of history kept. */
  public int seconds() {
    return seconds;
  }

  /** Counts one event of {@code series} now. */
  public void record(Series series) {
    long second = Math.floorDiv(clock.monotonicMillis(), 1000);
    int slot = (int) Math.floorMod(second, (long) seconds);
    if (slotSecond[slot] != second) {
      for (long[] c : counts) {
        c[slot] = 0;
      }
      slotSecond[slot] = second;
    }
    counts[series.ordinal()][slot]++;
  }

  /**
   * Events per second of {@code series} in each of the last {@code n} whole seconds, oldest first; the second now
   * running is left out, since it is not over.
   */
  public long[] perSecond(Series series, int n) {
    int len = Math.min(n, seconds);
    long current = Math.floorDiv(clock.monotonicMillis(), 1000);
    long[] out = new long[len];
    long[] c = counts[series.ordinal()];
    for (int i = 0; i < len; i++) {
      long second = current - len + i;
      int slot = (int) Math.floorMod(second, (long) seconds);
      out[i] = slotSecond[slot] == second ? c[slot] : 0;
    }
    return out;
  }

  /** The mean rate of {@code series} over the last {@code n} whole seconds, in events per second. */
  public double average(Series series, int n) {
    long[] values = perSecond(series, n);
    long sum = 0;
    for (long v : values) {
      sum += v;
    }
    return values.length == 0 ? 0 : (double) sum / values.length;
  }

  @Override
  public void sent(TrackedMessage message) {
    record(Series.SENDS);
  }

  @Override
  public void resent(TrackedMessage message, String reason) {
    record(Series.RETRIES);
  }

  @Override
  public void acked(TrackedMessage message) {
    record(Series.ACKS);
  }

  @Override
  public void deadLettered(TrackedMessage message) {
    record(Series.DEAD_LETTERS);
  }
}

package io.ackcoord.producer.timer;

import io.ackcoord.time.Clock;
import org.HdrHistogram.Histogram;

/**
 * How late deadline timers fire: for each message whose deadline passed, the time from its deadline to the moment
 * A acted on it (re-send or dead letter), on the monotonic clock. A busy or frozen A, or a backlog of timers due at
 * once worked off slice by slice, shows here; issue 5 asks for every timer within {@value #LATE_MILLIS} ms.
 *
 * <p>Pure, with the clock injected; recorded and read on A's event loop.
 */
public final class TimerLateness {

  /** Lateness above which a timer counts as late. */
  public static final long LATE_MILLIS = 100;

  private final Clock clock;
  private final Histogram histogram = new Histogram(3_600_000L, 2);
  private long late;

  public TimerLateness(Clock clock) {
    this.clock = clock;
  }

  /** A timer for {@code deadline} (monotonic millis) fired now. */
  public void fired(long deadline) {
    long lateness = Math.max(0, clock.monotonicMillis() - deadline);
    histogram.recordValue(Math.min(lateness, histogram.getHighestTrackableValue()));
    if (lateness > LATE_MILLIS) {
      late++;
    }
  }

  /** Timers fired since start. */
  public long fired() {
    return histogram.getTotalCount();
  }

  /** Timers that fired more than {@value #LATE_MILLIS} ms after their deadline. */
  public long lateOver100Ms() {
    return late;
  }

  /** 99th percentile of lateness in ms (2 significant digits), 0 before any fired. */
  public double lateP99Millis() {
    return fired() == 0 ? 0 : histogram.getValueAtPercentile(99);
  }

  /** Highest lateness in ms (2 significant digits), 0 before any fired. */
  public double lateMaxMillis() {
    return fired() == 0 ? 0 : histogram.getMaxValue();
  }
}

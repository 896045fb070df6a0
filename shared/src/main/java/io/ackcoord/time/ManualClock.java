package io.ackcoord.time;

import java.time.Duration;

/**
 * A {@link Clock} that moves only when told to: for unit tests of deadline and backoff logic.
 *
 * <p>Not thread-safe; like the logic it drives, it belongs to one thread.
 */
public final class ManualClock implements Clock {

  private long monotonic;
  private long wall;

  /** Starts at monotonic 0 and the given wall time. */
  public ManualClock(long wallMillis) {
    this.wall = wallMillis;
  }

  /** Starts at monotonic 0 and a fixed wall time, so test output is stable. */
  public ManualClock() {
    this(1_700_000_000_000L);
  }

  /** Moves both clocks forward. */
  public ManualClock advance(Duration by) {
    return advanceMillis(by.toMillis());
  }

  /** Moves both clocks forward by {@code millis}, which must not be negative. */
  public ManualClock advanceMillis(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("a monotonic clock cannot go back: " + millis);
    }
    monotonic += millis;
    wall += millis;
    return this;
  }

  /** Sets the wall clock alone, as an NTP step would; monotonic time is untouched. */
  public ManualClock setWallMillis(long wallMillis) {
    this.wall = wallMillis;
    return this;
  }

  @Override
  public long monotonicMillis() {
    return monotonic;
  }

  @Override
  public long wallMillis() {
    return wall;
  }
}

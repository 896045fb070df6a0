package io.ackcoord.time;

/**
 * Lets something happen at most once per interval: for warnings that an outsider can trigger at will (forged
 * records), so that they cannot flood the log. Not thread-safe; one per owner.
 */
public final class Throttle {

  private final Clock clock;
  private final long intervalMillis;
  private long last = Long.MIN_VALUE;

  public Throttle(Clock clock, long intervalMillis) {
    this.clock = clock;
    this.intervalMillis = intervalMillis;
  }

  /** True at the first call and then once each interval has passed since the last true. */
  public boolean allow() {
    long now = clock.monotonicMillis();
    if (last != Long.MIN_VALUE && now - last < intervalMillis) {
      return false;
    }
    last = now;
    return true;
  }
}

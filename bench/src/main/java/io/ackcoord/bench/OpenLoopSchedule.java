package io.ackcoord.bench;

/**
 * When each message of an open-loop phase is meant to be sent: message {@code i} at
 * {@code start + i / rate}, whatever happened to the ones before. Latency is measured from this intended time,
 * not from when the send actually happened, so a stalled system cannot hide its stall by slowing the load down
 * (no coordinated omission).
 *
 * @param startNanos    intended send time of message 0, on {@link System#nanoTime()}'s scale
 * @param ratePerSecond offered rate, messages per second
 * @param count         messages in the phase
 */
public record OpenLoopSchedule(long startNanos, double ratePerSecond, long count) {

  private static final double NANOS_PER_SECOND = 1e9;

  public OpenLoopSchedule {
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("rate must be positive, was " + ratePerSecond);
    }
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, was " + count);
    }
  }

  /** A schedule that sends at {@code ratePerSecond} for {@code seconds}. */
  public static OpenLoopSchedule forDuration(long startNanos, double ratePerSecond, double seconds) {
    return new OpenLoopSchedule(startNanos, ratePerSecond, Math.max(1, Math.round(ratePerSecond * seconds)));
  }

  /** Intended send time of message {@code i} (0-based). */
  public long intendedNanos(long i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException("message " + i + " of " + count);
    }
    return startNanos + Math.round(i * NANOS_PER_SECOND / ratePerSecond);
  }

  /** Intended duration of the phase: from the first intended send to one interval after the last. */
  public double seconds() {
    return count / ratePerSecond;
  }
}

package io.ackcoord.consumer.kafka;

/**
 * Exponential backoff for re-sending a reply or retrying a commit: {@code initial}, doubling per failure, capped at
 * {@code max}. Pure arithmetic; the caller owns the timer.
 *
 * @param initialMillis delay after the first failure, at least 1
 * @param maxMillis     cap, at least {@code initialMillis}
 */
public record Backoff(long initialMillis, long maxMillis) {

  /** The backoff B uses: 100 ms, 200 ms, … up to 5 s. */
  public static final Backoff DEFAULT = new Backoff(100, 5_000);

  public Backoff {
    if (initialMillis < 1 || maxMillis < initialMillis) {
      throw new IllegalArgumentException("need 1 <= initial <= max, got " + initialMillis + ", " + maxMillis);
    }
  }

  /** The delay before retry number {@code failures} (1 after the first failure). */
  public long delayMillis(int failures) {
    if (failures <= 1) {
      return initialMillis;
    }
    int shift = Math.min(failures - 1, 30);
    long delay = initialMillis << shift;
    return delay <= 0 || delay > maxMillis ? maxMillis : delay;
  }
}

package io.ackcoord.producer.timer;

/**
 * How long A waits for a reply and how it backs off: pure arithmetic, with the random draw passed in so tests
 * pin it.
 *
 * <p>Attempt {@code n} (1-based) waits {@code timeout × multiplier^(n-1)}, capped at {@code maxBackoffMillis}, then
 * spread by ± {@code jitter} so that many messages that timed out together do not re-send together. A re-send
 * that does not wait for a timeout (after a retryable NACK or a failed send) waits {@code retryDelayMillis ×
 * multiplier^(n-1)}, capped and spread the same way.
 *
 * @param ackTimeoutMillis    default reply timeout of the first attempt ({@code ack.timeout.ms})
 * @param maxAttempts         attempts in all, the first included; after the last, the message is dead-lettered
 * @param multiplier          growth per attempt, at least 1
 * @param maxBackoffMillis    cap of any single wait
 * @param jitter              fraction in [0, 1] by which a wait is spread either way
 * @param retryDelayMillis    base wait before a re-send that does not wait out a timeout
 * @param maxExtensionMillis  longest a single IN_PROGRESS reply may push a deadline out
 * @param maxTotalExtensionMillis how far IN_PROGRESS replies may push one message's deadlines out in all, so that
 *                            replies (genuine or forged) cannot keep a message from ever being re-sent
 */
public record RetryPolicy(
    long ackTimeoutMillis,
    int maxAttempts,
    double multiplier,
    long maxBackoffMillis,
    double jitter,
    long retryDelayMillis,
    long maxExtensionMillis,
    long maxTotalExtensionMillis) {

  /** The default of {@code ack.extension.total.max.ms}: an hour. */
  public static final long DEFAULT_MAX_TOTAL_EXTENSION_MILLIS = 3_600_000;

  public RetryPolicy {
    if (ackTimeoutMillis < 1 || maxAttempts < 1 || multiplier < 1 || maxBackoffMillis < 1 || jitter < 0
        || jitter > 1 || retryDelayMillis < 0 || maxExtensionMillis < 1 || maxTotalExtensionMillis < 0
        || maxTotalExtensionMillis > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("invalid retry policy " + this);
    }
  }

  /** A policy with the default total extension ({@value #DEFAULT_MAX_TOTAL_EXTENSION_MILLIS} ms). */
  public RetryPolicy(long ackTimeoutMillis, int maxAttempts, double multiplier, long maxBackoffMillis, double jitter,
      long retryDelayMillis, long maxExtensionMillis) {
    this(ackTimeoutMillis, maxAttempts, multiplier, maxBackoffMillis, jitter, retryDelayMillis, maxExtensionMillis,
        DEFAULT_MAX_TOTAL_EXTENSION_MILLIS);
  }

  /**
   * The reply timeout of {@code attempt} for a message whose first attempt waits {@code baseTimeoutMillis}.
   *
   * @param random a uniform draw in [0, 1)
   */
  public long timeoutFor(int attempt, long baseTimeoutMillis, double random) {
    return spread(grow(baseTimeoutMillis, attempt), random);
  }

  /** The wait before a re-send after {@code attempt} was NACKed or could not be sent. */
  public long retryDelayFor(int attempt, double random) {
    return spread(grow(retryDelayMillis, attempt), random);
  }

  /** Whether {@code attempt} is the last one allowed. */
  public boolean isLast(int attempt) {
    return attempt >= maxAttempts;
  }

  private long grow(long base, int attempt) {
    double grown = base * Math.pow(multiplier, Math.max(0, attempt - 1));
    return (long) Math.min(grown, Math.max(base, maxBackoffMillis));
  }

  private long spread(long millis, double random) {
    double factor = 1 + jitter * (2 * random - 1);
    return Math.max(1, Math.round(millis * factor));
  }
}

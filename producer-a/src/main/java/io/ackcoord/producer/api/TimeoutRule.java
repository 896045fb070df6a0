package io.ackcoord.producer.api;

import io.ackcoord.protocol.SafeText;

/**
 * The one rule for a caller's own first-attempt timeout, over HTTP, in a batch and on the event bus: a whole number
 * of ms in [{@code ack.timeout.min.ms}, {@code maxMillis}]. The floor keeps a caller from having a message re-sent
 * and dead-lettered within milliseconds, before any B could have answered; the ceiling is a day, or less when topic
 * 1 would not keep the message's record for as long as such a timeout could make it wait for a re-send.
 *
 * @param minMillis {@code ack.timeout.min.ms}
 * @param maxMillis at most {@link #MAX_MILLIS}
 */
public record TimeoutRule(long minMillis, long maxMillis) {

  /** One day: longer than any sane wait for an ACK, short enough to keep deadlines in an int of seconds. */
  public static final long MAX_MILLIS = 86_400_000L;

  /** The rule with the ceiling of a day. */
  public TimeoutRule(long minMillis) {
    this(minMillis, MAX_MILLIS);
  }

  /** This rule with its ceiling lowered to {@code max} (never below the floor). */
  public TimeoutRule capped(long max) {
    return new TimeoutRule(minMillis, Math.max(minMillis, Math.min(maxMillis, max)));
  }

  /**
   * The timeout {@code raw} asks for: {@code null} means none (0, A's {@code ack.timeout.ms} applies), a number or
   * its text must be whole and within bounds.
   *
   * @throws IllegalArgumentException naming the value and the bounds
   */
  public long parse(Object raw) {
    if (raw == null) {
      return 0;
    }
    long timeout;
    if (raw instanceof Number n) {
      timeout = n.doubleValue() == n.longValue() ? n.longValue() : -1;
    } else {
      try {
        timeout = Long.parseLong(raw.toString().trim());
      } catch (NumberFormatException e) {
        timeout = -1;
      }
    }
    if (timeout < minMillis || timeout > maxMillis) {
      throw invalid(raw);
    }
    return timeout;
  }

  /** The error for a timeout of {@code raw}: names the value (cut and cleaned) and the bounds. */
  public IllegalArgumentException invalid(Object raw) {
    return new IllegalArgumentException("invalid timeoutMs '" + SafeText.clean(String.valueOf(raw), 40)
        + "': must be a whole number of ms in [" + minMillis + ", " + maxMillis + "]"
        + (maxMillis < MAX_MILLIS ? " (the ceiling is what topic 1's retention.ms allows)" : ""));
  }
}

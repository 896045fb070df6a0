package io.ackcoord.producer.api;

import io.ackcoord.protocol.SafeText;

/**
 * The one rule for a caller's own first-attempt timeout, over HTTP, in a batch and on the event bus: a whole number
 * of ms in [{@code ack.timeout.min.ms}, one day]. The floor keeps a caller from having a message re-sent and
 * dead-lettered within milliseconds, before any B could have answered.
 *
 * @param minMillis {@code ack.timeout.min.ms}
 */
public record TimeoutRule(long minMillis) {

  /** One day: longer than any sane wait for an ACK, short enough to keep deadlines in an int of seconds. */
  public static final long MAX_MILLIS = 86_400_000L;

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
    if (timeout < minMillis || timeout > MAX_MILLIS) {
      throw invalid(raw);
    }
    return timeout;
  }

  /** The error for a timeout of {@code raw}: names the value (cut and cleaned) and the bounds. */
  public IllegalArgumentException invalid(Object raw) {
    return new IllegalArgumentException("invalid timeoutMs '" + SafeText.clean(String.valueOf(raw), 40)
        + "': must be a whole number of ms in [" + minMillis + ", " + MAX_MILLIS + "]");
  }
}

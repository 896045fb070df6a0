package io.ackcoord.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import io.ackcoord.protocol.SafeText;

/**
 * An exception in one line, {@code class: message; caused by class: message}, without its stack: what A's and B's
 * logs show of a throwable in both formats. A stack trace is many lines a log pipeline splits apart, and its frames
 * (and a client's exception messages several causes down) are of no use to an operator; the causes' one-liners say
 * what failed. As a pattern converter it is {@code %exsummary} (see {@code conf/logback.xml}).
 */
public final class ThrowableSummary extends ClassicConverter {

  /** Causes followed at most: the one that matters is seldom deeper. */
  static final int MAX_CAUSES = 4;
  private static final int MAX_CHARS = 2_000;

  /** The one line for {@code throwable}, or {@code null} if there is none. */
  public static String of(IThrowableProxy throwable) {
    if (throwable == null) {
      return null;
    }
    StringBuilder line = new StringBuilder();
    IThrowableProxy t = throwable;
    for (int depth = 0; t != null && depth <= MAX_CAUSES; depth++, t = t.getCause()) {
      if (depth > 0) {
        line.append("; caused by ");
      }
      line.append(t.getClassName());
      if (t.getMessage() != null) {
        line.append(": ").append(t.getMessage());
      }
    }
    // A message may carry text from outside (a record, a request): no line breaks, bounded.
    return SafeText.clean(line.toString(), MAX_CHARS);
  }

  /** {@code " [summary]"} when the event has a throwable, else nothing; the pattern puts it after the message. */
  @Override
  public String convert(ILoggingEvent event) {
    String summary = of(event.getThrowableProxy());
    return summary == null ? "" : " [" + summary + "]";
  }
}

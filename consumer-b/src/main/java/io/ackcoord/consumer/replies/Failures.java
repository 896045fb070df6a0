package io.ackcoord.consumer.replies;

import io.ackcoord.consumer.NonRetryableException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** Classifies handler failures into the NACK's {@code retryable} flag and reason. */
public final class Failures {

  /** Reasons are cut to this many characters: a reply is a small record, not a stack trace. */
  static final int MAX_REASON_LENGTH = 500;

  private Failures() {
  }

  /** Whether a later attempt may succeed: false iff a {@link NonRetryableException} is in the cause chain. */
  public static boolean isRetryable(Throwable failure) {
    // Identity set: a cause chain can loop (a cause that is set to an ancestor), which must not hang B.
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof NonRetryableException) {
        return false;
      }
    }
    return true;
  }

  /** A one-line reason for the NACK: the exception's class and message, at most {@value #MAX_REASON_LENGTH} chars. */
  public static String reason(Throwable failure) {
    if (failure == null) {
      return "unknown";
    }
    String message = failure.getMessage();
    String text = failure.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    return text.length() <= MAX_REASON_LENGTH ? text : text.substring(0, MAX_REASON_LENGTH - 1) + "…";
  }
}

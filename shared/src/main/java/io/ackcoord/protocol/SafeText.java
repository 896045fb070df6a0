package io.ackcoord.protocol;

/**
 * Text that came from outside (a Kafka record on any topic, an HTTP request) made safe to keep, show and log: at most
 * a given length, and no control or line-separator characters, so a forged value can neither flood memory nor forge
 * log lines.
 */
public final class SafeText {

  /** Stands in for each character removed. */
  public static final char REPLACEMENT = '\uFFFD';

  private SafeText() {
  }

  /**
   * {@code text} with every control character (C0, DEL, C1) and Unicode line or paragraph separator replaced by
   * {@link #REPLACEMENT}, cut to {@code maxChars} (the cut marked with {@code …}); {@code null} stays {@code null}.
   */
  public static String clean(String text, int maxChars) {
    if (text == null) {
      return null;
    }
    boolean cut = text.length() > maxChars;
    int end = cut ? Math.max(0, maxChars - 1) : text.length();
    if (cut && end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never split a surrogate pair
    }
    StringBuilder out = null;
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      if (unsafe(c)) {
        if (out == null) {
          out = new StringBuilder(end + 1).append(text, 0, i);
        }
        out.append(REPLACEMENT);
      } else if (out != null) {
        out.append(c);
      }
    }
    if (out == null) {
      return cut ? text.substring(0, end) + '…' : text;
    }
    return cut ? out.append('…').toString() : out.toString();
  }

  /** The longest a {@link #forLog} argument gets: enough for an exception's message, short of a flood. */
  public static final int LOG_MAX_CHARS = 1000;

  /**
   * {@code value}'s text made safe for a log line: for a log argument that may carry text from outside (a record's
   * key, header or value, anything that prints one, an exception message quoting one). The log pattern
   * ({@code %msg}) writes arguments as they are, so a raw newline would start a forged log line. {@code null} prints
   * as {@code null}.
   */
  public static String forLog(Object value) {
    return value == null ? "null" : clean(String.valueOf(value), LOG_MAX_CHARS);
  }

  private static boolean unsafe(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
  }
}

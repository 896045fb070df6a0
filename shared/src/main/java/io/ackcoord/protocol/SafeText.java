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

  private static boolean unsafe(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
  }
}

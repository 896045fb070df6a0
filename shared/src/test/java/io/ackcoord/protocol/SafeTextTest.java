package io.ackcoord.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SafeTextTest {

  @Test
  @DisplayName("control characters and line separators are replaced, so a value cannot forge a log line")
  void controls() {
    assertThat(SafeText.clean("ok\n12:00 INFO forged\r\tx\u0000\u007f\u0085\u2028end", 100))
        .isEqualTo("ok\uFFFD12:00 INFO forged\uFFFD\uFFFDx\uFFFD\uFFFD\uFFFD\uFFFDend");
    assertThat(SafeText.clean("plain text, é ✓", 100)).isEqualTo("plain text, é ✓");
    assertThat(SafeText.clean(null, 10)).isNull();
  }

  @Test
  @DisplayName("long text is cut to the limit, the cut marked, never inside a surrogate pair")
  void length() {
    assertThat(SafeText.clean("x".repeat(1_000_000), 8)).isEqualTo("xxxxxxx…").hasSize(8);
    assertThat(SafeText.clean("abcdefgh", 8)).isEqualTo("abcdefgh");
    assertThat(SafeText.clean("abc\nefghij", 5)).isEqualTo("abc\uFFFD…");
    assertThat(SafeText.clean("abc\uD83D\uDE00xyz", 5)).isEqualTo("abc…");
  }

  @Test
  @DisplayName("forLog prints any object on one line, cut to LOG_MAX_CHARS, and null as null")
  void forLog() {
    Object forged = new Object() {
      @Override
      public String toString() {
        return "Envelope[id=a\n12:00 WARN FAKE LOG LINE]";
      }
    };
    assertThat(SafeText.forLog(forged)).isEqualTo("Envelope[id=a\uFFFD12:00 WARN FAKE LOG LINE]");
    assertThat(SafeText.forLog(null)).isEqualTo("null");
    assertThat(SafeText.forLog("x".repeat(5000))).hasSize(SafeText.LOG_MAX_CHARS).endsWith("…");
  }
}

package io.ackcoord.producer.ids;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MessageIdsTest {

  @Test
  @DisplayName("ids of the allowed characters and length pass")
  void valid() {
    assertThat(MessageIds.isValid("order-42")).isTrue();
    assertThat(MessageIds.isValid("a.b_c:d@e-F9")).isTrue();
    assertThat(MessageIds.isValid("x".repeat(MessageIds.MAX_LENGTH))).isTrue();
  }

  @Test
  @DisplayName("empty, too long, or any other character is refused")
  void invalid() {
    assertThat(MessageIds.isValid("")).isFalse();
    assertThat(MessageIds.isValid("x".repeat(MessageIds.MAX_LENGTH + 1))).isFalse();
    assertThat(MessageIds.isValid("a b")).isFalse();
    assertThat(MessageIds.isValid("a/b")).isFalse();
    assertThat(MessageIds.isValid("ü")).isFalse();
    assertThat(MessageIds.isValid("a|b")).isFalse();
  }

  @Test
  @DisplayName(". and .. are refused: a URL path would resolve them away, so they could never be looked up")
  void dotSegments() {
    assertThat(MessageIds.isValid(".")).isFalse();
    assertThat(MessageIds.isValid("..")).isFalse();
    assertThat(MessageIds.isValid("...")).isTrue();
    assertThat(MessageIds.isValid(".a")).isTrue();
  }
}

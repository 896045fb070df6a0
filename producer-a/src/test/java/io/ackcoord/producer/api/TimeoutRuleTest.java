package io.ackcoord.producer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TimeoutRuleTest {

  private final TimeoutRule rule = new TimeoutRule(100);

  @Test
  @DisplayName("absent means A's default; a whole number of ms within bounds, as a number or its text")
  void accepted() {
    assertThat(rule.parse(null)).isZero();
    assertThat(rule.parse(100)).isEqualTo(100);
    assertThat(rule.parse(" 2500 ")).isEqualTo(2500);
    assertThat(rule.parse(86_400_000L)).isEqualTo(TimeoutRule.MAX_MILLIS);
    assertThat(rule.parse(300.0)).isEqualTo(300);
  }

  @Test
  @DisplayName("below the floor, above a day, fractions and text are refused, naming value and bounds")
  void refused() {
    assertThatThrownBy(() -> rule.parse(1)).hasMessage("invalid timeoutMs '1': must be a whole number of ms in "
        + "[100, 86400000]");
    assertThatThrownBy(() -> rule.parse("0")).hasMessageContaining("'0'");
    assertThatThrownBy(() -> rule.parse(-3)).hasMessageContaining("'-3'");
    assertThatThrownBy(() -> rule.parse(86_400_001L)).hasMessageContaining("86400001");
    assertThatThrownBy(() -> rule.parse(150.5)).hasMessageContaining("150.5");
    assertThatThrownBy(() -> rule.parse("soon\n12:00 INFO forged")).hasMessageNotContaining("\n");
  }
}

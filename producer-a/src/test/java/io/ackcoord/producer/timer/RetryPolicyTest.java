package io.ackcoord.producer.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private final RetryPolicy noJitter = new RetryPolicy(1000, 5, 2.0, 5000, 0.0, 200, 60_000);

  @Test
  @DisplayName("timeouts grow by the multiplier per attempt and stop at the cap")
  void timeoutsGrowAndCap() {
    assertThat(noJitter.timeoutFor(1, 1000, 0.5)).isEqualTo(1000);
    assertThat(noJitter.timeoutFor(2, 1000, 0.5)).isEqualTo(2000);
    assertThat(noJitter.timeoutFor(3, 1000, 0.5)).isEqualTo(4000);
    assertThat(noJitter.timeoutFor(4, 1000, 0.5)).isEqualTo(5000);
    assertThat(noJitter.timeoutFor(40, 1000, 0.5)).isEqualTo(5000);
  }

  @Test
  @DisplayName("a per-message timeout above the cap is honoured for its first attempt")
  void perMessageTimeoutAboveCap() {
    assertThat(noJitter.timeoutFor(1, 9000, 0.5)).isEqualTo(9000);
    assertThat(noJitter.timeoutFor(2, 9000, 0.5)).isEqualTo(9000);
  }

  @Test
  @DisplayName("jitter spreads a wait by at most the configured fraction either way")
  void jitterBounds() {
    RetryPolicy p = new RetryPolicy(1000, 5, 2.0, 60_000, 0.2, 200, 60_000);
    assertThat(p.timeoutFor(1, 1000, 0.0)).isEqualTo(800);
    assertThat(p.timeoutFor(1, 1000, 0.5)).isEqualTo(1000);
    assertThat(p.timeoutFor(1, 1000, 0.999_999)).isEqualTo(1200);
  }

  @Test
  @DisplayName("retry delays grow from retry.delay.ms like timeouts, and are never zero")
  void retryDelays() {
    assertThat(noJitter.retryDelayFor(1, 0.5)).isEqualTo(200);
    assertThat(noJitter.retryDelayFor(3, 0.5)).isEqualTo(800);
    RetryPolicy zero = new RetryPolicy(1000, 5, 2.0, 5000, 0.0, 0, 60_000);
    assertThat(zero.retryDelayFor(1, 0.5)).isEqualTo(1);
  }

  @Test
  void lastAttempt() {
    assertThat(noJitter.isLast(4)).isFalse();
    assertThat(noJitter.isLast(5)).isTrue();
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new RetryPolicy(0, 5, 2.0, 5000, 0.1, 200, 1000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(1000, 0, 2.0, 5000, 0.1, 200, 1000))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

package io.ackcoord.consumer.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  @DisplayName("delays double from the initial one up to the cap")
  void doublesUpToCap() {
    Backoff backoff = new Backoff(100, 1_000);

    assertThat(backoff.delayMillis(1)).isEqualTo(100);
    assertThat(backoff.delayMillis(2)).isEqualTo(200);
    assertThat(backoff.delayMillis(4)).isEqualTo(800);
    assertThat(backoff.delayMillis(5)).isEqualTo(1_000);
    assertThat(backoff.delayMillis(1_000)).isEqualTo(1_000);
  }

  @Test
  @DisplayName("an initial delay above the cap is refused")
  void invalid() {
    assertThatThrownBy(() -> new Backoff(10, 5)).isInstanceOf(IllegalArgumentException.class);
  }
}

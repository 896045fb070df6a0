package io.ackcoord.consumer.loop;

import static io.ackcoord.consumer.loop.InFlightLimit.Decision.NONE;
import static io.ackcoord.consumer.loop.InFlightLimit.Decision.PAUSE;
import static io.ackcoord.consumer.loop.InFlightLimit.Decision.RESUME;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {

  @Test
  @DisplayName("pauses at the limit and resumes only below half of it")
  void hysteresis() {
    InFlightLimit limit = new InFlightLimit(10);

    assertThat(limit.update(9)).isEqualTo(NONE);
    assertThat(limit.update(10)).isEqualTo(PAUSE);
    assertThat(limit.update(11)).isEqualTo(NONE);
    assertThat(limit.update(5)).as("half is not below half").isEqualTo(NONE);
    assertThat(limit.paused()).isTrue();
    assertThat(limit.update(4)).isEqualTo(RESUME);
    assertThat(limit.update(3)).isEqualTo(NONE);
    assertThat(limit.paused()).isFalse();
  }

  @Test
  @DisplayName("a limit of 1 pauses with one record in flight and resumes at none")
  void limitOne() {
    InFlightLimit limit = new InFlightLimit(1);

    assertThat(limit.update(1)).isEqualTo(PAUSE);
    assertThat(limit.update(0)).isEqualTo(RESUME);
  }
}

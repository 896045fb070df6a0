package io.ackcoord.time;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ThrottleTest {

  @Test
  @DisplayName("allows the first call, then one per interval")
  void oncePerInterval() {
    ManualClock clock = new ManualClock();
    Throttle throttle = new Throttle(clock, 60_000);
    assertThat(throttle.allow()).isTrue();
    assertThat(throttle.allow()).isFalse();
    clock.advanceMillis(59_999);
    assertThat(throttle.allow()).isFalse();
    clock.advanceMillis(1);
    assertThat(throttle.allow()).isTrue();
    assertThat(throttle.allow()).isFalse();
  }
}

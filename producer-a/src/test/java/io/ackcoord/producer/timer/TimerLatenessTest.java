package io.ackcoord.producer.timer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.time.ManualClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TimerLatenessTest {

  private final ManualClock clock = new ManualClock();
  private final TimerLateness lateness = new TimerLateness(clock);

  @Test
  @DisplayName("nothing fired: all figures are zero")
  void empty() {
    assertThat(lateness.fired()).isZero();
    assertThat(lateness.lateP99Millis()).isZero();
    assertThat(lateness.lateMaxMillis()).isZero();
    assertThat(lateness.lateOver100Ms()).isZero();
  }

  @Test
  @DisplayName("lateness is now minus deadline on the monotonic clock; over 100 ms counts as late")
  void records() {
    clock.advanceMillis(10_000);
    long now = clock.monotonicMillis();
    for (int i = 0; i < 98; i++) {
      lateness.fired(now - 3);
    }
    lateness.fired(now - 100);
    lateness.fired(now - 2500);
    lateness.fired(now + 50); // early (a timer never is, but a clamp must hold)

    assertThat(lateness.fired()).isEqualTo(101);
    assertThat(lateness.lateOver100Ms()).isEqualTo(1);
    assertThat(lateness.lateP99Millis()).isCloseTo(100.0, org.assertj.core.data.Percentage.withPercentage(1));
    assertThat(lateness.lateMaxMillis()).isCloseTo(2500.0, org.assertj.core.data.Percentage.withPercentage(1));
  }
}

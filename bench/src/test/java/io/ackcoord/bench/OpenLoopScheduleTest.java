package io.ackcoord.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OpenLoopScheduleTest {

  @Test
  @DisplayName("message i is due at start + i / rate, independent of what happened before")
  void intendedTimesFollowTheRate() {
    OpenLoopSchedule s = new OpenLoopSchedule(1_000, 1_000, 5);
    assertThat(s.intendedNanos(0)).isEqualTo(1_000);
    assertThat(s.intendedNanos(1)).isEqualTo(1_001_000);
    assertThat(s.intendedNanos(4)).isEqualTo(4_001_000);
  }

  @Test
  @DisplayName("a fractional interval is rounded per message, so the schedule does not drift")
  void fractionalIntervalsDoNotDrift() {
    OpenLoopSchedule s = new OpenLoopSchedule(0, 3, 3_001);
    assertThat(s.intendedNanos(3_000)).isEqualTo(1_000_000_000_000L);
    assertThat(s.intendedNanos(1)).isEqualTo(333_333_333L);
  }

  @Test
  @DisplayName("forDuration sends rate × seconds messages, at least one")
  void forDurationCountsMessages() {
    assertThat(OpenLoopSchedule.forDuration(0, 2_500, 4).count()).isEqualTo(10_000);
    assertThat(OpenLoopSchedule.forDuration(0, 2_500, 4).seconds()).isEqualTo(4.0);
    assertThat(OpenLoopSchedule.forDuration(0, 0.1, 1).count()).isEqualTo(1);
  }

  @Test
  @DisplayName("a rate that is not positive, or a message outside the phase, is refused")
  void invalidInputIsRefused() {
    assertThatThrownBy(() -> new OpenLoopSchedule(0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OpenLoopSchedule(0, 10, 5).intendedNanos(5))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}

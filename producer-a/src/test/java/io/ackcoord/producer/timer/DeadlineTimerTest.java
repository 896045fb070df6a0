package io.ackcoord.producer.timer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.time.ManualClock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeadlineTimerTest {

  private final ManualClock clock = new ManualClock();
  private final FakeScheduler scheduler = new FakeScheduler(clock);
  private final AtomicInteger fired = new AtomicInteger();
  private final DeadlineTimer timer = new DeadlineTimer(scheduler, clock, fired::incrementAndGet);

  @Test
  @DisplayName("arming for a later deadline keeps the earlier timer: one timer however many messages")
  void laterDeadlinesCostNothing() {
    timer.arm(100);
    for (int i = 101; i < 10_000; i++) {
      timer.arm(i);
    }
    assertThat(scheduler.armed()).isEqualTo(1);
    assertThat(timer.armedDeadline()).isEqualTo(100);
  }

  @Test
  @DisplayName("an earlier deadline replaces the armed timer")
  void earlierDeadlineRearms() {
    timer.arm(500);
    timer.arm(100);
    assertThat(scheduler.dueTimes()).containsExactly(100L);

    scheduler.advance(100);
    assertThat(fired).hasValue(1);
    assertThat(timer.armedDeadline()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  @DisplayName("an overdue deadline fires on the next tick")
  void overdue() {
    clock.advanceMillis(1000);
    timer.arm(10);
    scheduler.advance(1);
    assertThat(fired).hasValue(1);
  }
}

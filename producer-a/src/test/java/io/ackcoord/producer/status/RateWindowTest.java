package io.ackcoord.producer.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.producer.status.RateWindow.Series;
import io.ackcoord.producer.timer.RetryPolicy;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.time.ManualClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RateWindowTest {

  private final ManualClock clock = new ManualClock();
  private final RateWindow window = new RateWindow(clock, 5);

  @Test
  @DisplayName("events are counted in the second they happen; the running second is left out")
  void perSecondBuckets() {
    window.record(Series.SENDS);
    window.record(Series.SENDS);
    clock.advanceMillis(1000);
    window.record(Series.SENDS);
    window.record(Series.ACKS);
    clock.advanceMillis(1000);
    window.record(Series.SENDS); // the running second: not shown yet

    assertThat(window.perSecond(Series.SENDS, 3)).containsExactly(0, 2, 1);
    assertThat(window.perSecond(Series.ACKS, 3)).containsExactly(0, 0, 1);
    assertThat(window.perSecond(Series.RETRIES, 3)).containsExactly(0, 0, 0);
  }

  @Test
  @DisplayName("seconds older than the window are forgotten, even after a long silence")
  void oldSecondsFallOff() {
    window.record(Series.RETRIES);
    clock.advanceMillis(1000);
    assertThat(window.perSecond(Series.RETRIES, 5)).containsExactly(0, 0, 0, 0, 1);

    clock.advanceMillis(5000);
    assertThat(window.perSecond(Series.RETRIES, 5)).containsExactly(0, 0, 0, 0, 0);

    clock.advanceMillis(60_000); // the slot of the first event comes round again, holding a stale count
    window.record(Series.ACKS);
    clock.advanceMillis(1000);
    assertThat(window.perSecond(Series.RETRIES, 5)).containsExactly(0, 0, 0, 0, 0);
    assertThat(window.perSecond(Series.ACKS, 5)).containsExactly(0, 0, 0, 0, 1);
  }

  @Test
  @DisplayName("the average is over whole seconds, and asking for more than the window gives the window")
  void average() {
    for (int s = 0; s < 5; s++) {
      for (int i = 0; i < s; i++) {
        window.record(Series.SENDS);
      }
      clock.advanceMillis(1000);
    }
    assertThat(window.perSecond(Series.SENDS, 10)).containsExactly(0, 1, 2, 3, 4);
    assertThat(window.average(Series.SENDS, 2)).isEqualTo(3.5);
    assertThat(window.average(Series.SENDS, 10)).isEqualTo(2.0);
  }

  @Test
  @DisplayName("as a tracker listener it counts sends, re-sends, ACKs and dead letters")
  void listensToTheTracker() {
    RetryPolicy policy = new RetryPolicy(1000, 2, 1.0, 60_000, 0.0, 100, 10_000);
    MessageTracker tracker = new MessageTracker(clock, policy, () -> 0.5, 10);
    tracker.addListener(window);
    TrackedMessage m = tracker.accept("m1", new byte[0], null, 0);
    tracker.sendConfirmed(m, 1, null);
    clock.advanceMillis(1000);
    tracker.pollDue(10); // timeout: re-send
    tracker.sendConfirmed(m, 2, null);
    clock.advanceMillis(1000);
    tracker.pollDue(10); // last attempt timed out: dead letter
    clock.advanceMillis(1000);

    assertThat(window.perSecond(Series.SENDS, 3)).containsExactly(1, 0, 0);
    assertThat(window.perSecond(Series.RETRIES, 3)).containsExactly(0, 1, 0);
    assertThat(window.perSecond(Series.DEAD_LETTERS, 3)).containsExactly(0, 0, 1);
  }
}

package io.ackcoord.producer.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.producer.timer.RetryPolicy;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.time.ManualClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AckMetricsTest {

  @Test
  @DisplayName("timer lateness is scraped as counters and gauges")
  void timerMeters() {
    ManualClock clock = new ManualClock();
    MessageTracker tracker = new MessageTracker(clock, new RetryPolicy(1000, 3, 2.0, 60_000, 0.0, 100, 10_000),
        () -> 0.5, 10);
    TrackedMessage m = tracker.accept("m1", new byte[0], null, 0);
    tracker.sendConfirmed(m, 1, null);
    clock.advanceMillis(1250);
    tracker.pollDue(10);
    AckMetrics metrics = new AckMetrics(tracker, "a1", () -> 0);

    String scrape = metrics.registry().scrape();
    assertThat(scrape).contains("ackcoord_timers_fired_total{producer=\"a1\"} 1.0")
        .contains("ackcoord_timers_late_total{producer=\"a1\"} 1.0")
        .contains("ackcoord_timers_lateness_max_seconds{producer=\"a1\"} 0.25");
    assertThat(scrape).contains("ackcoord_timers_lateness_p99_seconds");
    metrics.close();
  }
}

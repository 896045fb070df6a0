package io.ackcoord.producer.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.producer.status.RecentEvents.Event;
import io.ackcoord.producer.status.RecentEvents.Kind;
import io.ackcoord.producer.timer.RetryPolicy;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.producer.tracker.TestReplies;
import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.protocol.Reply;
import io.ackcoord.time.ManualClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RecentEventsTest {

  private final ManualClock clock = new ManualClock();

  @Test
  @DisplayName("keeps the newest events up to its capacity, newest first")
  void boundedRing() {
    RecentEvents recent = new RecentEvents(clock, 3);
    for (int i = 1; i <= 5; i++) {
      recent.add(new Event(Kind.RESEND, "m" + i, 2, i, "timed out"));
    }
    assertThat(recent.latest(10)).extracting(Event::id).containsExactly("m5", "m4", "m3");
    assertThat(recent.latest(2)).extracting(Event::id).containsExactly("m5", "m4");
    assertThat(recent.total()).isEqualTo(5);
    assertThat(new RecentEvents(clock, 3).latest(5)).isEmpty();
  }

  @Test
  @DisplayName("re-sends carry what became of the previous attempt; dead letters carry the tracker's reason")
  void reasonsFromTheTracker() {
    RetryPolicy policy = new RetryPolicy(1000, 3, 1.0, 60_000, 0.0, 100, 10_000);
    MessageTracker tracker = new MessageTracker(clock, policy, () -> 0.5, 10);
    RecentEvents recent = new RecentEvents(clock, 10);
    tracker.addListener(recent);

    TrackedMessage m = tracker.accept("m1", new byte[0], null, 0);
    tracker.sendConfirmed(m, 1, null);
    clock.advanceMillis(1000);
    tracker.pollDue(10);
    tracker.sendConfirmed(m, 2, null);
    tracker.onReply(TestReplies.signed(tracker, new Reply(Reply.Type.NACK, "m1", "a", 2, "b", 0, "db down", true, 0)));
    clock.advanceMillis(1000);
    tracker.pollDue(10);
    tracker.sendConfirmed(m, 3, null);
    tracker.onReply(TestReplies.signed(tracker, new Reply(Reply.Type.NACK, "m1", "a", 3, "b", 0, "bad card", false,
        0)));

    assertThat(recent.latest(10)).extracting(Event::kind, Event::attempt, Event::reason).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Kind.DEAD_LETTER, 3, "non-retryable NACK: bad card"),
        org.assertj.core.groups.Tuple.tuple(Kind.RESEND, 3, "nack: db down"),
        org.assertj.core.groups.Tuple.tuple(Kind.RESEND, 2, "timed out after 1000 ms"));
  }
}

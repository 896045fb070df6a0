package io.ackcoord.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.time.ManualClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeadlineQueueTest {

  private final ManualClock clock = new ManualClock();
  private final RetryPolicy policy = new RetryPolicy(1000, 3, 2.0, 60_000, 0.0, 100, 10_000);

  @Test
  @DisplayName("ACKed messages do not pile up as stale queue entries")
  void staleEntriesAreCompacted() {
    MessageTracker tracker = new MessageTracker(clock, policy, () -> 0.5, 10);
    for (int i = 0; i < 100_000; i++) {
      String id = "m" + i;
      TrackedMessage m = tracker.accept(id, new byte[0], null, 0);
      tracker.sendConfirmed(m, 1);
      tracker.onReply(new io.ackcoord.protocol.Reply(io.ackcoord.protocol.Reply.Type.ACK, id, "a", 1, "b", 0, null,
          false, 0));
    }
    DeadlineQueue q = new DeadlineQueue();
    for (int i = 0; i < 50_000; i++) {
      TrackedMessage m = new TrackedMessage("x" + i, new byte[0], null, 1000, 0, 0);
      m.await(i);
      q.schedule(m);
      q.cancel(m);
    }
    assertThat(q.liveCount()).isZero();
    assertThat(q.size()).isLessThanOrEqualTo(1025);
    assertThat(tracker.nextDeadline()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  @DisplayName("moving a deadline replaces the old entry")
  void reschedule() {
    DeadlineQueue q = new DeadlineQueue();
    TrackedMessage m = new TrackedMessage("x", new byte[0], null, 1000, 0, 0);
    m.await(100);
    q.schedule(m);
    m.extend(500);
    q.schedule(m);

    assertThat(q.earliest()).isEqualTo(500);
    assertThat(q.pollDue(499, 10)).isEmpty();
    assertThat(q.pollDue(500, 10)).containsExactly(m);
    assertThat(q.earliest()).isEqualTo(Long.MAX_VALUE);
    assertThat(q.liveCount()).isZero();
  }
}

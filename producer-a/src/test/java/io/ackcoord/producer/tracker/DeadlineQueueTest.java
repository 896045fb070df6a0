package io.ackcoord.producer.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.producer.timer.RetryPolicy;
import io.ackcoord.protocol.Reply;
import io.ackcoord.time.ManualClock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeadlineQueueTest {

  private final ManualClock clock = new ManualClock();
  private final RetryPolicy policy = new RetryPolicy(1000, 3, 2.0, 60_000, 0.0, 100, 10_000);

  @Test
  @DisplayName("ACKed and cancelled messages leave nothing behind in the queue")
  void cancelledLeaveNothing() {
    MessageTracker tracker = new MessageTracker(clock, policy, () -> 0.5, 10);
    for (int i = 0; i < 100_000; i++) {
      String id = "m" + i;
      TrackedMessage m = tracker.accept(id, new byte[0], null, 0);
      tracker.sendConfirmed(m, 1, null);
      tracker.onReply(TestReplies.signed(tracker, new Reply(Reply.Type.ACK, id, "a", 1, "b", 0, null, false, 0)));
    }
    assertThat(tracker.nextDeadline()).isEqualTo(Long.MAX_VALUE);

    DeadlineQueue q = new DeadlineQueue();
    List<TrackedMessage> all = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      TrackedMessage m = message("x" + i, i);
      m.await(i);
      q.schedule(m);
      all.add(m);
    }
    all.forEach(q::cancel);
    assertThat(q.liveCount()).isZero();
    assertThat(q.capacity()).as("the array shrinks once drained").isLessThanOrEqualTo(2048);
    assertThat(all).allMatch(m -> m.heapIndex == -1);
  }

  @Test
  @DisplayName("moving a deadline replaces the old entry")
  void reschedule() {
    DeadlineQueue q = new DeadlineQueue();
    TrackedMessage m = message("x", 1);
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

  @Test
  @DisplayName("random schedules, moves and cancels come out in deadline order, equal deadlines in accept order")
  void matchesSortedReference() {
    Random random = new Random(42);
    DeadlineQueue q = new DeadlineQueue();
    List<TrackedMessage> live = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      int op = random.nextInt(10);
      if (op < 6 || live.isEmpty()) {
        TrackedMessage m = message("m" + i, i);
        m.await(random.nextInt(1000));
        q.schedule(m);
        live.add(m);
      } else if (op < 8) {
        TrackedMessage m = live.get(random.nextInt(live.size()));
        m.extend(random.nextInt(1000));
        q.schedule(m);
      } else {
        q.cancel(live.remove(random.nextInt(live.size())));
      }
    }
    live.sort(Comparator.comparingLong(TrackedMessage::deadline).thenComparingLong(TrackedMessage::acceptSeq));
    assertThat(q.liveCount()).isEqualTo(live.size());
    List<TrackedMessage> out = new ArrayList<>();
    List<TrackedMessage> slice;
    while (!(slice = q.pollDue(Long.MAX_VALUE - 1, 333)).isEmpty()) {
      assertThat(slice.size()).isLessThanOrEqualTo(333);
      out.addAll(slice);
    }
    assertThat(out).containsExactlyElementsOf(live);
  }

  private static TrackedMessage message(String id, long seq) {
    TrackedMessage m = new TrackedMessage(id, new byte[0], null, 1000, 0, 0, 1);
    m.acceptSeq = seq;
    return m;
  }
}

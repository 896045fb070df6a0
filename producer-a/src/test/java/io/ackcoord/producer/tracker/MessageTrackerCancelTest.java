package io.ackcoord.producer.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.producer.ledger.Position;
import io.ackcoord.producer.timer.RetryPolicy;
import io.ackcoord.producer.tracker.MessageTracker.CancelOutcome;
import io.ackcoord.producer.tracker.MessageTracker.ReplyOutcome;
import io.ackcoord.protocol.Reply;
import io.ackcoord.time.ManualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The tracker's side of a cancel: the state machine, the counters, and what a reply to a cancelled message does. */
class MessageTrackerCancelTest {

  private final ManualClock clock = new ManualClock();
  private final MessageTracker tracker =
      new MessageTracker(clock, new RetryPolicy(1000, 3, 2.0, 60_000, 0.0, 100, 10_000), () -> 0.5, 100);

  private TrackedMessage sent(String id) {
    TrackedMessage m = tracker.accept(id, new byte[] {1}, null, 0);
    tracker.sendConfirmed(m, 1, new Position(0, 7));
    return m;
  }

  private Reply reply(Reply.Type type, String id, int attempt) {
    return TestReplies.signed(tracker, new Reply(type, id, "a1", attempt, "b1", 0,
        type == Reply.Type.NACK ? "boom" : null, true, 0));
  }

  @Test
  @DisplayName("a pending message cancelled is final as CANCELLED: no deadline, no re-send, counted, noted, listed")
  void cancelPending() {
    List<String> events = new ArrayList<>();
    tracker.addListener(new TrackerListener() {
      @Override
      public void cancelled(TrackedMessage message) {
        events.add(message.id() + ": " + message.reason());
      }
    });
    TrackedMessage m = sent("m1");

    var result = tracker.cancel("m1", "cancelled by token #1: wrong amount");

    assertThat(result.outcome()).isEqualTo(CancelOutcome.CANCELLED);
    assertThat(m.state()).isEqualTo(MessageState.CANCELLED);
    assertThat(m.state().isPending()).isFalse();
    assertThat(m.reason()).isEqualTo("cancelled by token #1: wrong amount");
    assertThat(m.position()).as("the dead letter reads the payload back").isEqualTo(new Position(0, 7));
    assertThat(tracker.pendingCount()).isZero();
    assertThat(tracker.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    clock.advanceMillis(10_000);
    assertThat(tracker.pollDue(10)).isEmpty();
    assertThat(tracker.stats().cancelled()).isEqualTo(1);
    assertThat(tracker.stats().deadLettered()).isZero();
    assertThat(m.attempts()).last().extracting(Attempt::outcome).isEqualTo("cancelled");
    assertThat(events).containsExactly("m1: cancelled by token #1: wrong amount");
    assertThat(tracker.notes("m1")).extracting(OperatorNotes.Note::text)
        .containsExactly("cancelled by token #1: wrong amount");
    assertThat(tracker.finishedPage(MessageState.DEAD_LETTERED, Long.MAX_VALUE, 10).items()).containsExactly(m);
  }

  @Test
  @DisplayName("a message waiting for its re-send is cancelled too; its due re-send never goes")
  void cancelWaitingResend() {
    TrackedMessage m = sent("m1");
    tracker.onReply(reply(Reply.Type.NACK, "m1", 1));
    assertThat(m.state()).isEqualTo(MessageState.WAITING_RESEND);

    assertThat(tracker.cancel("m1", "why").outcome()).isEqualTo(CancelOutcome.CANCELLED);
    clock.advanceMillis(60_000);
    assertThat(tracker.pollDue(10)).isEmpty();
  }

  @Test
  @DisplayName("unknown id: UNKNOWN; final already: FINAL, nothing changes; first write under way: NOT_ACCEPTED")
  void refusals() {
    assertThat(tracker.cancel("nope", "why").outcome()).isEqualTo(CancelOutcome.UNKNOWN);

    TrackedMessage acked = sent("acked");
    tracker.onReply(reply(Reply.Type.ACK, "acked", 1));
    var result = tracker.cancel("acked", "why");
    assertThat(result.outcome()).isEqualTo(CancelOutcome.FINAL);
    assertThat(acked.state()).isEqualTo(MessageState.ACKED);

    sent("twice");
    tracker.cancel("twice", "first");
    assertThat(tracker.cancel("twice", "second").outcome()).isEqualTo(CancelOutcome.FINAL);
    assertThat(tracker.stats().cancelled()).isEqualTo(1);

    TrackedMessage writing = tracker.accept("writing", new byte[0], null, 0);
    assertThat(tracker.cancel("writing", "why").outcome()).isEqualTo(CancelOutcome.NOT_ACCEPTED);
    assertThat(writing.state()).isEqualTo(MessageState.SENDING);
  }

  @Test
  @DisplayName("a re-send under way (attempt 2, not yet confirmed) can be cancelled; its late confirmation arms nothing")
  void cancelDuringResend() {
    TrackedMessage m = sent("m1");
    clock.advanceMillis(1000);
    tracker.pollDue(10);
    assertThat(m.state()).isEqualTo(MessageState.SENDING);
    assertThat(m.attempt()).isEqualTo(2);

    assertThat(tracker.cancel("m1", "why").outcome()).isEqualTo(CancelOutcome.CANCELLED);
    tracker.sendConfirmed(m, 2, new Position(0, 9));
    assertThat(m.state()).isEqualTo(MessageState.CANCELLED);
    assertThat(tracker.nextDeadline()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  @DisplayName("a genuine reply to a cancelled message is counted and noted, not applied; a forged one is forged")
  void replyAfterCancel() {
    TrackedMessage m = sent("m1");
    Reply ack = reply(Reply.Type.ACK, "m1", 1);
    tracker.cancel("m1", "why");

    assertThat(tracker.onReply(ack).outcome()).isEqualTo(ReplyOutcome.AFTER_CANCEL);
    assertThat(m.state()).isEqualTo(MessageState.CANCELLED);
    assertThat(tracker.stats().repliesAfterCancel()).isEqualTo(1);
    assertThat(tracker.stats().acked()).isZero();
    assertThat(tracker.stats().duplicateAcks()).isZero();
    assertThat(tracker.notes("m1")).extracting(OperatorNotes.Note::text).last()
        .isEqualTo("ACK to attempt 1 after the cancel: counted, not applied (B processed it)");

    Reply forged = new Reply(Reply.Type.ACK, "m1", "a1", 1, "b1", 0, null, false, 0);
    assertThat(tracker.onReply(forged).outcome()).isEqualTo(ReplyOutcome.FORGED);
    assertThat(tracker.stats().repliesAfterCancel()).isEqualTo(1);
  }

  @Test
  @DisplayName("a cancelled id accepted again (a redrive) is pending afresh; its notes stay, bounded per id")
  void notesOutliveTheMessage() {
    sent("m1");
    tracker.cancel("m1", "cancelled by x: y");
    tracker.note("m1", "redriven by x");
    TrackedMessage again = sent("m1");

    assertThat(again.state()).isEqualTo(MessageState.AWAITING_REPLY);
    assertThat(tracker.notes("m1")).extracting(OperatorNotes.Note::text)
        .containsExactly("cancelled by x: y", "redriven by x");
    for (int i = 0; i < 30; i++) {
      tracker.note("m1", "n" + i);
    }
    assertThat(tracker.notes("m1")).hasSize(OperatorNotes.PER_ID).last()
        .extracting(OperatorNotes.Note::text).isEqualTo("n29");
  }

  @Test
  @DisplayName("after a redrive, replies to the earlier series' copies are stale, not forged; the new series' count")
  void earlierSeriesReplies() {
    sent("m1");
    clock.advanceMillis(1000);
    tracker.pollDue(10);
    tracker.sendConfirmed(tracker.find("m1").orElseThrow(), 2, new Position(0, 8));
    Reply oldAck1 = reply(Reply.Type.ACK, "m1", 1);
    Reply oldAck2 = reply(Reply.Type.ACK, "m1", 2);
    tracker.cancel("m1", "why");
    TrackedMessage again = sent("m1");

    assertThat(tracker.onReply(oldAck2).outcome()).isEqualTo(ReplyOutcome.STALE);
    assertThat(tracker.onReply(oldAck1).outcome()).isEqualTo(ReplyOutcome.STALE);
    assertThat(tracker.stats().forgedReplies()).isZero();
    assertThat(again.state()).isEqualTo(MessageState.AWAITING_REPLY);
    assertThat(tracker.onReply(reply(Reply.Type.ACK, "m1", 1)).outcome()).isEqualTo(ReplyOutcome.ACKED);
    assertThat(tracker.onReply(oldAck2).outcome()).as("also once the new series is final")
        .isEqualTo(ReplyOutcome.STALE);
    Reply forged = new Reply(Reply.Type.ACK, "m1", "a1", 1, "b1", 0, null, false, 0);
    assertThat(tracker.onReply(forged).outcome()).isEqualTo(ReplyOutcome.FORGED);
  }
}

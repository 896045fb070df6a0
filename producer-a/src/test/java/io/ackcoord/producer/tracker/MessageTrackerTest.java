package io.ackcoord.producer.tracker;

import io.ackcoord.producer.ids.Receipts;
import io.ackcoord.producer.ledger.Position;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ackcoord.producer.timer.RetryPolicy;
import io.ackcoord.producer.tracker.MessageTracker.Action;
import io.ackcoord.producer.tracker.MessageTracker.Due;
import io.ackcoord.producer.tracker.MessageTracker.ReplyOutcome;
import io.ackcoord.protocol.Reply;
import io.ackcoord.time.ManualClock;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MessageTrackerTest {

  private final ManualClock clock = new ManualClock();
  private final RetryPolicy policy = new RetryPolicy(1000, 3, 2.0, 60_000, 0.0, 100, 10_000);
  private final MessageTracker tracker = new MessageTracker(clock, policy, () -> 0.5, 100);

  private TrackedMessage sent(String id) {
    TrackedMessage m = tracker.accept(id, new byte[] {1, 2}, null, 0);
    tracker.sendConfirmed(m, 1, null);
    return m;
  }

  private Reply reply(Reply.Type type, String id, int attempt) {
    return signed(tracker, new Reply(type, id, "a1", attempt, "b1", 0, type == Reply.Type.NACK ? "boom" : null, true,
        type == Reply.Type.IN_PROGRESS ? 5000 : 0));
  }

  private Reply nack(String id, int attempt, boolean retryable) {
    return signed(tracker, new Reply(Reply.Type.NACK, id, "a1", attempt, "b1", 0, "boom", retryable, 0));
  }

  // A reply for an id the tracker does not know cannot be signed: it goes as it is.
  private static Reply signed(MessageTracker tracker, Reply reply) {
    return tracker.find(reply.id()).isPresent() ? TestReplies.signed(tracker, reply) : reply;
  }

  @Test
  @DisplayName("the history keeps every attempt's times and outcome, and only the first and the latest 19 of a long run")
  void boundedAttemptHistory() {
    long t0 = clock.wallMillis();
    TrackedMessage m = sent("m1");
    clock.advanceMillis(1000);
    tracker.pollDue(10);
    for (int i = 0; i < 30; i++) {
      clock.advanceMillis(10);
      tracker.sendFailed(m, 2, "broker down " + i);
      clock.advanceMillis(1000);
      tracker.pollDue(10);
    }

    List<Attempt> attempts = m.attempts();
    assertThat(attempts).hasSize(TrackedMessage.MAX_HISTORY);
    Attempt first = attempts.get(0);
    assertThat(first.number()).isEqualTo(1);
    assertThat(first.sentAt()).isEqualTo(t0);
    assertThat(first.confirmedAt()).isEqualTo(t0);
    assertThat(first.timeoutMillis()).isEqualTo(1000);
    assertThat(first.outcome()).isEqualTo("timed out after 1000 ms");
    // Attempt 2's send failed 30 times: the oldest of those fell out.
    assertThat(attempts.subList(1, attempts.size() - 1)).extracting(Attempt::outcome)
        .containsExactlyElementsOf(java.util.stream.IntStream.range(12, 30).mapToObj(i -> "send failed: broker down "
            + i).toList());
    Attempt last = attempts.get(attempts.size() - 1);
    assertThat(last.number()).isEqualTo(m.attempt());
    assertThat(last.outcome()).isEqualTo("sending");
    assertThat(last.sentAt()).isEqualTo(clock.wallMillis());
  }

  @Test
  @DisplayName("the reply timer starts when the broker confirms the send, not when the message is accepted")
  void timerStartsOnConfirmation() {
    TrackedMessage m = tracker.accept("m1", new byte[0], null, 0);
    assertThat(m.state()).isEqualTo(MessageState.SENDING);
    assertThat(tracker.nextDeadline()).isEqualTo(Long.MAX_VALUE);

    clock.advanceMillis(300);
    tracker.sendConfirmed(m, 1, null);

    assertThat(m.state()).isEqualTo(MessageState.AWAITING_REPLY);
    assertThat(tracker.nextDeadline()).isEqualTo(1300);
    assertThat(tracker.stats().sent()).isEqualTo(1);
  }

  @Test
  @DisplayName("an ACK ends the message, records latency and cancels its deadline")
  void ackEnds() {
    TrackedMessage m = sent("m1");
    clock.advanceMillis(40);

    assertThat(tracker.onReply(reply(Reply.Type.ACK, "m1", 1)).outcome()).isEqualTo(ReplyOutcome.ACKED);

    assertThat(m.state()).isEqualTo(MessageState.ACKED);
    assertThat(m.latencyMillis()).isEqualTo(40);
    assertThat(tracker.pendingCount()).isZero();
    assertThat(tracker.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    clock.advanceMillis(10_000);
    assertThat(tracker.pollDue(10)).isEmpty();
  }

  @Test
  @DisplayName("a timeout re-sends with attempt + 1 and a longer timeout; after the last attempt it dead-letters")
  void timeoutsThenDeadLetter() {
    TrackedMessage m = sent("m1");

    clock.advanceMillis(999);
    assertThat(tracker.pollDue(10)).isEmpty();
    clock.advanceMillis(1);
    List<Due> due = tracker.pollDue(10);
    assertThat(due).containsExactly(new Due(Action.SEND, m));
    assertThat(m.attempt()).isEqualTo(2);
    tracker.sendConfirmed(m, 2, null);
    assertThat(tracker.nextDeadline()).isEqualTo(1000 + 2000);

    clock.advanceMillis(2000);
    assertThat(tracker.pollDue(10)).containsExactly(new Due(Action.SEND, m));
    tracker.sendConfirmed(m, 3, null);
    clock.advanceMillis(4000);

    assertThat(tracker.pollDue(10)).containsExactly(new Due(Action.DEAD_LETTER, m));
    assertThat(m.state()).isEqualTo(MessageState.DEAD_LETTERED);
    assertThat(m.reason()).contains("no reply after 3 attempt(s)");
    assertThat(tracker.stats().retries()).isEqualTo(2);
    assertThat(tracker.stats().deadLettered()).isEqualTo(1);
    assertThat(m.attempts()).extracting(Attempt::outcome).allMatch(o -> o.startsWith("timed out"));
  }

  @Test
  @DisplayName("an ACK of the first attempt that arrives after a re-send still ends the message; the second is a duplicate")
  void lateAckOfFirstAttemptThenDuplicate() {
    TrackedMessage m = sent("m1");
    clock.advanceMillis(1000);
    tracker.pollDue(10);
    tracker.sendConfirmed(m, 2, null);

    assertThat(tracker.onReply(reply(Reply.Type.ACK, "m1", 1)).outcome()).isEqualTo(ReplyOutcome.ACKED);
    assertThat(tracker.onReply(reply(Reply.Type.ACK, "m1", 2)).outcome()).isEqualTo(ReplyOutcome.DUPLICATE);

    assertThat(tracker.stats().acked()).isEqualTo(1);
    assertThat(tracker.stats().duplicateAcks()).isEqualTo(1);
  }

  @Test
  @DisplayName("a reply for an id never sent is counted as unknown")
  void unknownReply() {
    assertThat(tracker.onReply(reply(Reply.Type.ACK, "nope", 1)).outcome()).isEqualTo(ReplyOutcome.UNKNOWN);
    assertThat(tracker.stats().unknownAcks()).isEqualTo(1);
  }

  @Test
  @DisplayName("a retryable NACK re-sends after the retry delay, without waiting out the timeout")
  void retryableNack() {
    TrackedMessage m = sent("m1");
    clock.advanceMillis(10);

    assertThat(tracker.onReply(nack("m1", 1, true)).outcome()).isEqualTo(ReplyOutcome.RETRY_SCHEDULED);
    assertThat(m.state()).isEqualTo(MessageState.WAITING_RESEND);
    assertThat(tracker.nextDeadline()).isEqualTo(10 + 100);

    clock.advanceMillis(100);
    assertThat(tracker.pollDue(10)).containsExactly(new Due(Action.SEND, m));
    assertThat(m.attempt()).isEqualTo(2);
    assertThat(tracker.stats().nacks()).isEqualTo(1);
  }

  @Test
  @DisplayName("a non-retryable NACK dead-letters at once")
  void finalNack() {
    TrackedMessage m = sent("m1");

    assertThat(tracker.onReply(nack("m1", 1, false)).outcome()).isEqualTo(ReplyOutcome.DEAD_LETTER);

    assertThat(m.state()).isEqualTo(MessageState.DEAD_LETTERED);
    assertThat(m.reason()).isEqualTo("non-retryable NACK: boom");
    assertThat(m.payload()).as("payload kept until the dead letter is written").isNotNull();
    tracker.deadLetterWritten(m);
    assertThat(m.payload()).isNull();
  }

  @Test
  @DisplayName("a retryable NACK of the last attempt dead-letters")
  void nackOfLastAttempt() {
    TrackedMessage m = sent("m1");
    for (int attempt = 1; attempt < 3; attempt++) {
      clock.advanceMillis(100_000);
      tracker.pollDue(10);
      tracker.sendConfirmed(m, attempt + 1, null);
    }
    assertThat(tracker.onReply(nack("m1", 3, true)).outcome()).isEqualTo(ReplyOutcome.DEAD_LETTER);
  }

  @Test
  @DisplayName("a NACK of an older attempt does not disturb the attempt in flight")
  void staleNack() {
    TrackedMessage m = sent("m1");
    clock.advanceMillis(1000);
    tracker.pollDue(10);
    tracker.sendConfirmed(m, 2, null);

    assertThat(tracker.onReply(nack("m1", 1, true)).outcome()).isEqualTo(ReplyOutcome.STALE);
    assertThat(m.state()).isEqualTo(MessageState.AWAITING_REPLY);
  }

  @Test
  @DisplayName("IN_PROGRESS pushes the deadline out, capped by ack.extension.max.ms, never pulls it in")
  void inProgressExtends() {
    TrackedMessage m = sent("m1");
    clock.advanceMillis(900);

    assertThat(tracker.onReply(reply(Reply.Type.IN_PROGRESS, "m1", 1)).outcome()).isEqualTo(ReplyOutcome.EXTENDED);
    assertThat(m.deadline()).isEqualTo(900 + 5000);

    clock.advanceMillis(4000);
    assertThat(tracker.pollDue(10)).isEmpty();
    Reply huge = signed(tracker, new Reply(Reply.Type.IN_PROGRESS, "m1", "a1", 1, "b1", 0, null, false, 999_999));
    tracker.onReply(huge);
    assertThat(m.deadline()).isEqualTo(4900 + 10_000);
    Reply tiny = signed(tracker, new Reply(Reply.Type.IN_PROGRESS, "m1", "a1", 1, "b1", 0, null, false, 1));
    tracker.onReply(tiny);
    assertThat(m.deadline()).isEqualTo(4900 + 10_000);
    assertThat(tracker.stats().extensions()).isEqualTo(3);
  }

  @Test
  @DisplayName("a failed re-send retries the same attempt after the retry delay")
  void failedResend() {
    TrackedMessage m = sent("m1");
    clock.advanceMillis(1000);
    tracker.pollDue(10);

    tracker.sendFailed(m, 2, "broker down");
    assertThat(m.state()).isEqualTo(MessageState.WAITING_RESEND);
    clock.advanceMillis(200);
    assertThat(tracker.pollDue(10)).containsExactly(new Due(Action.SEND, m));
    assertThat(m.attempt()).as("B never saw the failed send").isEqualTo(2);
    assertThat(tracker.stats().retries()).isEqualTo(1);
    assertThat(tracker.stats().sendFailures()).isEqualTo(1);
  }

  @Test
  @DisplayName("a first send that fails is rejected and forgotten")
  void rejectedFirstSend() {
    TrackedMessage m = tracker.accept("m1", new byte[0], null, 0);
    tracker.reject(m);
    assertThat(tracker.pendingCount()).isZero();
    assertThat(tracker.find("m1")).isEmpty();
    assertThat(tracker.stats().rejected()).isEqualTo(1);
  }

  @Test
  @DisplayName("a caller's own timeout replaces the default for that message only")
  void perMessageTimeout() {
    TrackedMessage custom = tracker.accept("slow", new byte[0], null, 30_000);
    tracker.sendConfirmed(custom, 1, null);
    sent("normal");

    assertThat(custom.deadline()).isEqualTo(30_000);
    assertThat(tracker.nextDeadline()).isEqualTo(1000);
  }

  @Test
  @DisplayName("a new policy applies to timers armed after it, not to the ones running")
  void policyChange() {
    TrackedMessage before = sent("before");
    tracker.policy(new RetryPolicy(5000, 3, 2.0, 60_000, 0.0, 100, 10_000));
    TrackedMessage after = sent("after");

    assertThat(before.deadline()).isEqualTo(1000);
    assertThat(after.deadline()).isEqualTo(5000);
  }

  @Test
  @DisplayName("the same id cannot be pending twice")
  void duplicateId() {
    sent("m1");
    assertThatThrownBy(() -> tracker.accept("m1", new byte[0], null, 0)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  @DisplayName("pollDue hands out at most the burst limit; the rest stays due")
  void burstLimit() {
    for (int i = 0; i < 25; i++) {
      sent("m" + i);
    }
    clock.advanceMillis(1000);
    assertThat(tracker.pollDue(10)).hasSize(10);
    assertThat(tracker.nextDeadline()).isLessThanOrEqualTo(clock.monotonicMillis());
    assertThat(tracker.pollDue(100)).hasSize(15);
  }

  @Test
  @DisplayName("a wall-clock jump neither fires nor starves a timer")
  void wallClockJump() {
    sent("m1");
    clock.setWallMillis(clock.wallMillis() + 3_600_000);
    assertThat(tracker.pollDue(10)).isEmpty();
    clock.setWallMillis(0);
    clock.advanceMillis(1000);
    assertThat(tracker.pollDue(10)).hasSize(1);
  }

  @Test
  @DisplayName("finished messages are forgotten beyond history.max, then their ACKs count as unknown")
  void boundedHistory() {
    MessageTracker small = new MessageTracker(clock, policy, () -> 0.5, 2);
    for (String id : List.of("a", "b", "c")) {
      TrackedMessage m = small.accept(id, new byte[0], null, 0);
      small.sendConfirmed(m, 1, null);
      small.onReply(signed(small, reply(Reply.Type.ACK, id, 1)));
    }
    assertThat(small.find("a")).isEmpty();
    assertThat(small.find("c")).isPresent();
    assertThat(small.onReply(reply(Reply.Type.ACK, "a", 1)).outcome()).isEqualTo(ReplyOutcome.UNKNOWN);
    assertThat(small.onReply(signed(small, reply(Reply.Type.ACK, "c", 1))).outcome())
        .isEqualTo(ReplyOutcome.DUPLICATE);
  }

  @Test
  @DisplayName("an ACK that overtakes the producer's confirmation still leaves the message counted as sent")
  void ackOvertakesConfirmation() {
    TrackedMessage m = tracker.accept("fast", new byte[0], null, 0);

    assertThat(tracker.onReply(reply(Reply.Type.ACK, "fast", 1)).outcome()).isEqualTo(ReplyOutcome.ACKED);
    tracker.sendConfirmed(m, 1, null);

    assertThat(tracker.stats().sent()).isEqualTo(1);
    assertThat(tracker.stats().acked()).isEqualTo(1);
    assertThat(m.state()).isEqualTo(MessageState.ACKED);
  }

  @Test
  @DisplayName("a reply without the attempt's receipt is forged: counted, and the message is still re-sent")
  void forgedAckIgnored() {
    TrackedMessage m = sent("m1");
    Reply forged = new Reply(Reply.Type.ACK, "m1", "a1", 1, "evil", 0, null, false, 0, 12345);

    assertThat(tracker.onReply(forged).outcome()).isEqualTo(ReplyOutcome.FORGED);
    assertThat(tracker.onReply(new Reply(Reply.Type.ACK, "m1", "a1", 1, "evil", 0, null, false, 0)).outcome())
        .as("no receipt at all").isEqualTo(ReplyOutcome.FORGED);

    assertThat(m.state()).isEqualTo(MessageState.AWAITING_REPLY);
    assertThat(tracker.stats().forgedReplies()).isEqualTo(2);
    assertThat(tracker.stats().acked()).isZero();
    clock.advanceMillis(1000);
    assertThat(tracker.pollDue(10)).extracting(Due::action).containsExactly(Action.SEND);
  }

  @Test
  @DisplayName("a forged IN_PROGRESS or NACK changes nothing: the deadline stays, no re-send is scheduled")
  void forgedInProgressAndNackIgnored() {
    TrackedMessage m = sent("m1");
    long deadline = m.deadline();

    assertThat(tracker.onReply(new Reply(Reply.Type.IN_PROGRESS, "m1", "a1", 1, "evil", 0, null, false, 10_000, 7))
        .outcome()).isEqualTo(ReplyOutcome.FORGED);
    assertThat(tracker.onReply(new Reply(Reply.Type.NACK, "m1", "a1", 1, "evil", 0, "no", false, 0, 7)).outcome())
        .isEqualTo(ReplyOutcome.FORGED);

    assertThat(m.deadline()).isEqualTo(deadline);
    assertThat(m.state()).isEqualTo(MessageState.AWAITING_REPLY);
    assertThat(tracker.stats().extensions()).isZero();
    assertThat(tracker.stats().nacks()).isZero();
  }

  @Test
  @DisplayName("each attempt has its own receipt, each reply type its own proof: an attempt never sent, another "
      + "attempt's proof or another type's is forged")
  void receiptsPerAttempt() {
    TrackedMessage m = sent("m1");
    long secret = m.secret();
    assertThat(Receipts.receipt(secret, 1)).isNotEqualTo(Receipts.receipt(secret, 2)).isNotZero();

    Reply future = new Reply(Reply.Type.ACK, "m1", "a1", 2, "b1", 0, null, false, 0,
        Reply.proof(Receipts.receipt(secret, 2), Reply.Type.ACK));
    assertThat(tracker.onReply(future).outcome()).as("attempt 2 was never sent").isEqualTo(ReplyOutcome.FORGED);

    clock.advanceMillis(1000);
    tracker.pollDue(10);
    tracker.sendConfirmed(m, 2, null);
    Reply mixed = new Reply(Reply.Type.IN_PROGRESS, "m1", "a1", 2, "b1", 0, null, false, 5000,
        Reply.proof(Receipts.receipt(secret, 1), Reply.Type.IN_PROGRESS));
    assertThat(tracker.onReply(mixed).outcome()).as("attempt 1's proof on attempt 2").isEqualTo(ReplyOutcome.FORGED);
    // Whoever reads topic 2 sees NACKs' proofs: one must not serve as the ACK of the same attempt.
    Reply nackProofOnAck = new Reply(Reply.Type.ACK, "m1", "a1", 2, "b1", 0, null, false, 0,
        Reply.proof(Receipts.receipt(secret, 2), Reply.Type.NACK));
    assertThat(tracker.onReply(nackProofOnAck).outcome()).isEqualTo(ReplyOutcome.FORGED);

    // A late ACK of attempt 1 with its own proof is genuine: that copy was processed.
    Reply late = new Reply(Reply.Type.ACK, "m1", "a1", 1, "b1", 0, null, false, 0,
        Reply.proof(Receipts.receipt(secret, 1), Reply.Type.ACK));
    assertThat(tracker.onReply(late).outcome()).isEqualTo(ReplyOutcome.ACKED);
    assertThat(tracker.stats().forgedReplies()).isEqualTo(3);
  }

  @Test
  @DisplayName("the receipt travels in the envelope of each attempt, and two messages get different secrets")
  void receiptInEnvelope() {
    TrackedMessage a = sent("a");
    TrackedMessage b = sent("b");
    assertThat(a.secret()).isNotEqualTo(b.secret()).isNotZero();
    assertThat(a.envelope("a1", 0).receipt()).isEqualTo(Receipts.receipt(a.secret(), 1));
    assertThat(tracker.checkpointEntry(a, "a1")).as("no confirmed record: a restart finds it in topic 1").isNull();
    tracker.sendConfirmed(a, 1, new Position(0, 5));
    assertThat(tracker.checkpointEntry(a, "a1").secret()).as("kept across restarts").isEqualTo(a.secret());
    Receipts key = Receipts.random();
    tracker.receipts(key);
    TrackedMessage c = sent("c");
    assertThat(c.secret()).as("derived from the receipt key, so a restart finds it again")
        .isEqualTo(key.copy().secretFor("c", c.acceptedAt()));
  }

  @Test
  @DisplayName("IN_PROGRESS replies push one message's deadlines out by ack.extension.total.max.ms in all, no more")
  void totalExtensionCapped() {
    MessageTracker capped = new MessageTracker(clock, new RetryPolicy(1000, 3, 2.0, 60_000, 0.0, 100, 10_000, 12_000),
        () -> 0.5, 100);
    TrackedMessage m = capped.accept("m1", new byte[0], null, 0);
    capped.sendConfirmed(m, 1, null);
    long start = m.deadline();

    // Each reply asks for 5 s from now, 2 s apart: 4 s, then 2 s more each time, until 12 s are used up.
    for (int i = 0; i < 6; i++) {
      capped.onReply(TestReplies.signed(capped,
          new Reply(Reply.Type.IN_PROGRESS, "m1", "a1", 1, "b1", 0, null, false, 5000)));
      clock.advanceMillis(2000);
    }

    assertThat(m.deadline()).isEqualTo(start + 12_000);
    assertThat(capped.pollDue(10)).isEmpty();
    clock.advanceMillis(start + 12_000 - clock.monotonicMillis());
    assertThat(capped.pollDue(10)).extracting(Due::action).containsExactly(Action.SEND);
  }

  @Test
  @DisplayName("a message restored from a ledger written before receipts (secret 0) takes replies without one")
  void legacyMessageWithoutReceipt() {
    tracker.restore(new io.ackcoord.producer.ledger.LedgerEntry("old", "a1", 1, clock.wallMillis(),
        clock.wallMillis(), 1000, clock.wallMillis() + 1000, null, new byte[0]));
    assertThat(tracker.find("old").orElseThrow().envelope("a1", 0).receipt()).isZero();
    assertThat(tracker.onReply(new Reply(Reply.Type.ACK, "old", "a1", 1, "b1", 0, null, false, 0)).outcome())
        .isEqualTo(ReplyOutcome.ACKED);
  }
}

package io.ackcoord.producer.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.producer.ledger.CheckpointSource;
import io.ackcoord.producer.ledger.LedgerEntry;
import io.ackcoord.producer.ledger.Position;
import io.ackcoord.producer.ledger.WriteBarrier;
import io.ackcoord.producer.timer.FakeScheduler;
import io.ackcoord.producer.timer.RetryPolicy;
import io.ackcoord.producer.timer.TimerLateness;
import io.ackcoord.producer.tracing.MessageTracing;
import io.ackcoord.producer.tracker.MessageState;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.producer.tracker.TestReplies;
import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.Reply;
import io.ackcoord.time.ManualClock;
import io.ackcoord.tracing.TraceRoot;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CoordinatorTest {

  /**
   * Records what would go to Kafka; sends complete when the test says. Confirmed records are kept as topic 1 would
   * keep them, one partition, offset = index, so payloads can be read back; {@code deleted} ones as retention would.
   */
  static final class FakeOutbound implements Coordinator.Outbound {
    final List<Envelope> sent = new ArrayList<>();
    final List<Envelope> topic = new ArrayList<>();
    final java.util.Set<Long> deleted = new java.util.HashSet<>();
    final List<Promise<Position>> pendingSends = new ArrayList<>();
    int payloadReads;
    boolean failReads;
    /** Reads wait here until the test completes them, when set. */
    List<Promise<byte[]>> heldReads;
    final List<String> deadLetters = new ArrayList<>();
    boolean autoConfirm = true;
    boolean failDeadLetters;
    /** Dead letters with a payload larger than this are refused as too large, as a topic's max.message.bytes does. */
    int deadLetterMaxPayload = Integer.MAX_VALUE;

    @Override
    public Future<Position> send(Envelope envelope) {
      sent.add(envelope);
      if (autoConfirm) {
        topic.add(envelope);
        return Future.succeededFuture(new Position(0, topic.size() - 1));
      }
      Promise<Position> p = Promise.promise();
      pendingSends.add(p);
      return p.future();
    }

    @Override
    public Future<byte[]> payload(String id, Position at) {
      payloadReads++;
      if (failReads) {
        return Future.failedFuture("broker down");
      }
      if (heldReads != null) {
        Promise<byte[]> p = Promise.promise();
        heldReads.add(p);
        return p.future();
      }
      if (deleted.contains(at.offset()) || at.offset() >= topic.size()) {
        return Future.failedFuture(new Coordinator.PayloadGoneException("deleted: " + at));
      }
      Envelope e = topic.get((int) at.offset());
      return e.id().equals(id) ? Future.succeededFuture(e.payload())
          : Future.failedFuture(new Coordinator.PayloadGoneException("another message's record at " + at));
    }

    @Override
    public Future<Void> deadLetter(Envelope envelope, String reason) {
      if (failDeadLetters) {
        return Future.failedFuture("broker down");
      }
      if (envelope.payload().length > deadLetterMaxPayload) {
        return Future.failedFuture(new Coordinator.TooLargeException(new RuntimeException("record too large")));
      }
      deadLetters.add(envelope.id() + ": " + reason);
      return Future.succeededFuture();
    }
  }

  /** What a checkpoint composed now would hold, by id. */
  static java.util.Map<String, LedgerEntry> checkpoint(Coordinator c) {
    CheckpointSource source = c.checkpointSource(() -> 0);
    java.util.Map<String, LedgerEntry> entries = new java.util.LinkedHashMap<>();
    CheckpointSource.Page page = source.pending(0, 3);
    page.entries().forEach(e -> entries.put(e.id(), e));
    while (page.more()) {
      page = source.pending(page.cursor(), 3);
      page.entries().forEach(e -> entries.put(e.id(), e));
    }
    source.deadLettering().forEach(e -> entries.put(e.id(), e));
    return entries;
  }

  private final ManualClock clock = new ManualClock();
  private final WriteBarrier barrier = new WriteBarrier();
  private final FakeScheduler scheduler = new FakeScheduler(clock);
  private final FakeOutbound outbound = new FakeOutbound();
  private final MessageTracker tracker =
      new MessageTracker(clock, new RetryPolicy(1000, 3, 2.0, 60_000, 0.0, 100, 10_000), () -> 0.5, 100);
  private final Coordinator coordinator = started(new Coordinator(tracker, outbound, barrier, scheduler, clock, "a1",
      2, 500, 1000));

  private static Coordinator started(Coordinator c) {
    c.start(List.of());
    c.open();
    return c;
  }

  @Test
  @DisplayName("a submission completes once durable, with the reply partition and producer id in the envelope")
  void submitSends() {
    Future<TrackedMessage> f = coordinator.submit("m1", "hi".getBytes(), "text/plain", 0);

    assertThat(f.succeeded()).isTrue();
    Envelope e = outbound.sent.get(0);
    assertThat(e.id()).isEqualTo("m1");
    assertThat(e.producerId()).isEqualTo("a1");
    assertThat(e.replyPartition()).isEqualTo(2);
    assertThat(e.attempt()).isEqualTo(1);
    assertThat(e.timeoutMillis()).isEqualTo(1000);
  }

  @Test
  @DisplayName("no reply: re-sent on each timeout with backoff, then dead-lettered and the waiter told")
  void resendThenDeadLetter() {
    coordinator.submit("m1", new byte[0], null, 0);
    Future<TrackedMessage> done = coordinator.completion("m1");

    scheduler.advance(1000);
    assertThat(outbound.sent).extracting(Envelope::attempt).containsExactly(1, 2);
    scheduler.advance(2000);
    assertThat(outbound.sent).extracting(Envelope::attempt).containsExactly(1, 2, 3);
    assertThat(done.isComplete()).isFalse();
    scheduler.advance(4000);

    assertThat(outbound.deadLetters).containsExactly("m1: no reply after 3 attempt(s); last timeout 4000 ms");
    assertThat(done.result().state()).isEqualTo(MessageState.DEAD_LETTERED);
    assertThat(scheduler.armed()).isZero();
  }

  @Test
  @DisplayName("once topic 1 has the record, A keeps its position, not the payload; re-sends and dead letters read it back")
  void payloadReadBack() {
    TrackedMessage m = coordinator.submit("m1", "hello".getBytes(), "text/plain", 0).result();
    assertThat(m.payload()).as("released once the record is durable").isNull();
    assertThat(m.position()).isEqualTo(new Position(0, 0));
    assertThat(checkpoint(coordinator).get("m1").position()).as("a checkpoint holds the position")
        .isEqualTo(new Position(0, 0));

    scheduler.advance(1000);
    assertThat(outbound.payloadReads).isEqualTo(1);
    assertThat(outbound.sent.get(1).payload()).isEqualTo("hello".getBytes());
    assertThat(m.position()).as("the latest copy").isEqualTo(new Position(0, 1));
    assertThat(checkpoint(coordinator).get("m1").position()).isEqualTo(new Position(0, 1));
    assertThat(checkpoint(coordinator).get("m1").payload()).isNull();
    scheduler.advance(2000 + 4000);

    assertThat(outbound.payloadReads).isEqualTo(3);
    assertThat(outbound.deadLetters).hasSize(1);
    assertThat(coordinator.completion("m1").result().state()).isEqualTo(MessageState.DEAD_LETTERED);
  }

  @Test
  @DisplayName("a payload deleted from topic 1 dead-letters the message with the reason, instead of re-sending it forever")
  void payloadGone() {
    coordinator.submit("m1", "hello".getBytes(), "text/plain", 0);
    Future<TrackedMessage> done = coordinator.completion("m1");
    outbound.deleted.add(0L);

    scheduler.advance(1000);

    assertThat(outbound.sent).hasSize(1);
    assertThat(outbound.deadLetters).containsExactly(
        "m1: cannot re-send: deleted: 0@0 (payload not included: deleted: 0@0)");
    assertThat(done.result().state()).isEqualTo(MessageState.DEAD_LETTERED);
    assertThat(tracker.pendingCount()).isZero();
  }

  @Test
  @DisplayName("a payload read that fails for now (broker down) is retried like a failed send, attempt not counted")
  void payloadReadFails() {
    coordinator.submit("m1", "hello".getBytes(), "text/plain", 0);
    outbound.failReads = true;

    scheduler.advance(1000);
    assertThat(outbound.sent).hasSize(1);
    assertThat(tracker.find("m1").orElseThrow().state()).isEqualTo(MessageState.WAITING_RESEND);
    outbound.failReads = false;
    scheduler.advance(1000);

    assertThat(outbound.sent).extracting(Envelope::attempt).containsExactly(1, 2);
    assertThat(outbound.sent.get(1).payload()).isEqualTo("hello".getBytes());
  }

  @Test
  @DisplayName("an ACK that comes while the payload is read back cancels that re-send")
  void ackWhileReading() {
    coordinator.submit("m1", "hello".getBytes(), "text/plain", 0);
    outbound.heldReads = new ArrayList<>();
    scheduler.advance(1000);
    assertThat(outbound.heldReads).hasSize(1);

    TrackedMessage m = tracker.find("m1").orElseThrow();
    coordinator.onReply(signed(new Reply(Reply.Type.ACK, "m1", "a1", 1, "b", 0, null, false, 0)));
    outbound.heldReads.get(0).complete("hello".getBytes());

    assertThat(outbound.sent).hasSize(1);
    assertThat(m.state()).isEqualTo(MessageState.ACKED);
    assertThat(tracker.stats().sent()).isEqualTo(1);
  }

  @Test
  @DisplayName("an ACK cancels the re-send and completes the waiter")
  void ackCompletes() {
    coordinator.submit("m1", new byte[0], null, 0);
    Future<TrackedMessage> done = coordinator.completion("m1");

    scheduler.advance(500);
    coordinator.onReply(signed(new Reply(Reply.Type.ACK, "m1", "a1", 1, "b", 0, null, false, 0)));
    scheduler.advance(100_000);

    assertThat(done.result().state()).isEqualTo(MessageState.ACKED);
    assertThat(outbound.sent).hasSize(1);
  }

  @Test
  @DisplayName("the timer only starts when the broker confirms: a slow broker does not cause a re-send")
  void timerWaitsForConfirmation() {
    outbound.autoConfirm = false;
    Future<TrackedMessage> f = coordinator.submit("m1", new byte[0], null, 0);
    scheduler.advance(5000);
    assertThat(outbound.sent).hasSize(1);
    assertThat(f.isComplete()).isFalse();

    outbound.pendingSends.get(0).complete();
    assertThat(f.succeeded()).isTrue();
    scheduler.advance(1000);
    assertThat(outbound.sent).hasSize(2);
  }

  @Test
  @DisplayName("a first send that fails rejects the submission and leaves nothing pending, in a checkpoint neither")
  void firstSendFails() {
    outbound.autoConfirm = false;
    Future<TrackedMessage> f = coordinator.submit("m1", new byte[0], null, 0);
    outbound.pendingSends.get(0).fail("broker down");

    assertThat(f.failed()).isTrue();
    assertThat(f.cause()).isInstanceOf(Coordinator.RejectedException.class);
    assertThat(tracker.pendingCount()).isZero();
    assertThat(checkpoint(coordinator)).as("the refused message must not come back after a restart").isEmpty();
    assertThat(barrier.unanswered()).isZero();
  }

  @Test
  @DisplayName("a dead letter too large for its topic goes without its payload at once, never retried forever")
  void deadLetterTooLarge() {
    outbound.deadLetterMaxPayload = 10;
    coordinator.submit("big", new byte[100], null, 0);
    coordinator.onReply(signed(new Reply(Reply.Type.NACK, "big", "a1", 1, "b", 0, "bad", false, 0)));
    Future<TrackedMessage> done = coordinator.completion("big");
    assertThat(outbound.deadLetters).isEmpty();
    scheduler.advance(1);
    assertThat(outbound.deadLetters).containsExactly("big: non-retryable NACK: bad (payload of 100 bytes dropped: "
        + "too large for the dead-letter topic)");
    assertThat(done.succeeded()).isTrue();
    assertThat(checkpoint(coordinator)).isEmpty();
  }

  @Test
  @DisplayName("a failed dead-letter write is retried until it lands")
  void deadLetterRetried() {
    coordinator.submit("m1", new byte[0], null, 0);
    coordinator.onReply(signed(new Reply(Reply.Type.NACK, "m1", "a1", 1, "b", 0, "bad", false, 0)));
    Future<TrackedMessage> done = coordinator.completion("m1");
    assertThat(outbound.deadLetters).containsExactly("m1: non-retryable NACK: bad");
    assertThat(done.succeeded()).isTrue();

    coordinator.submit("m2", new byte[0], null, 0);
    outbound.failDeadLetters = true;
    coordinator.onReply(signed(new Reply(Reply.Type.NACK, "m2", "a1", 1, "b", 0, "bad", false, 0)));
    Future<TrackedMessage> done2 = coordinator.completion("m2");
    scheduler.advance(5000);
    assertThat(done2.isComplete()).isFalse();
    outbound.failDeadLetters = false;
    scheduler.advance(5000);
    assertThat(done2.succeeded()).isTrue();
  }

  @Test
  @DisplayName("refuses submissions past pending.max and duplicate pending ids")
  void backpressure() {
    Coordinator small = started(new Coordinator(tracker, outbound, barrier, scheduler, clock, "a1", 0, 500, 2));
    assertThat(small.submit("x", new byte[0], null, 0).succeeded()).isTrue();
    Future<TrackedMessage> dup = small.submit("x", new byte[0], null, 0);
    assertThat(((Coordinator.RejectedException) dup.cause()).conflict()).isTrue();
    small.submit("y", new byte[0], null, 0);
    Future<TrackedMessage> full = small.submit("z", new byte[0], null, 0);
    assertThat(full.cause()).hasMessageContaining("pending.max");
  }

  @Test
  @DisplayName("a burst of overdue timers is worked off in batches of retry.burst.max, one batch per tick")
  void burst() {
    Coordinator c = started(new Coordinator(tracker, outbound, barrier, scheduler, clock, "a1", 0, 10, 1000));
    for (int i = 0; i < 35; i++) {
      c.submit("m" + i, new byte[0], null, 0);
    }
    clock.advanceMillis(5000);
    List<Long> perTick = new ArrayList<>();
    scheduler.advance(0);
    for (int tick = 0; tick < 4; tick++) {
      perTick.add(outbound.sent.stream().filter(e -> e.attempt() == 2).count());
      scheduler.advance(1);
    }
    assertThat(perTick).containsExactly(10L, 20L, 30L, 35L);
  }

  @Test
  @DisplayName("re-sends are flow-controlled: no new slice while the broker has not answered the last one")
  void resendsWaitForTheBroker() {
    Coordinator c = started(new Coordinator(tracker, outbound, barrier, scheduler, clock, "a1", 0, 10, 1000));
    for (int i = 0; i < 25; i++) {
      c.submit("m" + i, new byte[0], null, 0);
    }
    outbound.autoConfirm = false;
    clock.advanceMillis(5000);
    scheduler.advance(0);
    scheduler.advance(50);
    assertThat(resends()).as("one slice, then nothing until the broker answers").isEqualTo(10);
    assertThat(c.writesInFlight()).isEqualTo(10);

    outbound.pendingSends.subList(0, 4).forEach(p -> p.complete());
    scheduler.advance(1);
    assertThat(resends()).as("as many as were answered").isEqualTo(14);

    outbound.autoConfirm = true;
    outbound.pendingSends.forEach(p -> p.tryComplete());
    scheduler.advance(5);
    assertThat(resends()).isEqualTo(25);
    assertThat(c.writesInFlight()).isZero();
    assertThat(tracker.lateness().fired()).isEqualTo(25);
    assertThat(tracker.lateness().lateOver100Ms()).as("all were 4 s overdue when polled").isEqualTo(25);
  }

  @Test
  @DisplayName("timers that fire on time are recorded as on time")
  void latenessOnTime() {
    coordinator.submit("m1", new byte[0], null, 0);
    coordinator.submit("m2", new byte[0], null, 0);
    scheduler.advance(1000);
    TimerLateness lateness = tracker.lateness();
    assertThat(lateness.fired()).isEqualTo(2);
    assertThat(lateness.lateMaxMillis()).isZero();
    assertThat(lateness.lateOver100Ms()).isZero();
  }

  private long resends() {
    return outbound.sent.stream().filter(e -> e.attempt() == 2).count();
  }

  @Test
  @DisplayName("submissions are refused until the coordinator has recovered and started")
  void notReady() {
    Coordinator fresh = new Coordinator(tracker, outbound, barrier, scheduler, clock, "a1", 0, 500, 1000);
    assertThat(fresh.submit("m1", new byte[0], null, 0).cause()).hasMessageContaining("not connected");
    fresh.start(List.of());
    assertThat(fresh.submit("m1", new byte[0], null, 0).cause()).as("not before the first checkpoint")
        .hasMessageContaining("not connected");
    fresh.open();
    assertThat(fresh.submit("m1", new byte[0], null, 0).succeeded()).isTrue();
  }

  @Test
  @DisplayName("a checkpoint holds a message from its confirmed send until its ACK, with the attempt of each re-send")
  void checkpointFollowsTheMessage() {
    outbound.autoConfirm = false;
    coordinator.submit("m1", "x".getBytes(), "text/plain", 0);
    assertThat(checkpoint(coordinator)).as("unconfirmed: a restart finds its record in topic 1").isEmpty();
    assertThat(barrier.unanswered()).isEqualTo(1);
    outbound.topic.add(outbound.sent.get(0));
    outbound.pendingSends.get(0).complete(new Position(0, 0));
    assertThat(barrier.unanswered()).isZero();
    LedgerEntry first = checkpoint(coordinator).get("m1");
    assertThat(first.attempt()).isEqualTo(1);
    assertThat(first.deadlineMillis() - first.sentAtMillis()).isEqualTo(1000);
    assertThat(first.secret()).isNotZero();

    outbound.autoConfirm = true;
    scheduler.advance(1000);
    assertThat(checkpoint(coordinator).get("m1").attempt()).isEqualTo(2);

    coordinator.onReply(signed(new Reply(Reply.Type.ACK, "m1", "a1", 2, "b", 0, null, false, 0)));
    assertThat(checkpoint(coordinator)).isEmpty();
  }

  @Test
  @DisplayName("a dead-lettered message stays in checkpoints, with its reason, until its dead letter is durable")
  void checkpointKeepsDeadLettersUntilWritten() {
    coordinator.submit("m1", new byte[0], null, 0);
    outbound.failDeadLetters = true;
    coordinator.onReply(signed(new Reply(Reply.Type.NACK, "m1", "a1", 1, "b", 0, "bad", false, 0)));
    assertThat(checkpoint(coordinator).get("m1").deadLetterReason()).isEqualTo("non-retryable NACK: bad");
    outbound.failDeadLetters = false;
    scheduler.advance(60_000);
    assertThat(outbound.deadLetters).hasSize(1);
    assertThat(checkpoint(coordinator)).isEmpty();
  }

  @Test
  @DisplayName("a restart writes the dead letter a checkpoint still held")
  void restartWritesPendingDeadLetter() {
    long now = clock.wallMillis();
    MessageTracker tracker2 =
        new MessageTracker(clock, new RetryPolicy(1000, 3, 2.0, 60_000, 0.0, 100, 10_000), () -> 0.5, 100);
    FakeOutbound out2 = new FakeOutbound();
    out2.topic.add(new Envelope("d1", "a1", 2, now, now, 2, 1000, null, "p".getBytes()));
    Coordinator restarted = new Coordinator(tracker2, out2, new WriteBarrier(), scheduler, clock, "a1", 2, 500,
        1000);
    restarted.start(List.of(new LedgerEntry("d1", "a1", 2, now, now, 1000, now + 2000, null, null, 7,
        new Position(0, 0), 0, "non-retryable NACK: bad")));
    assertThat(out2.deadLetters).containsExactly("d1: non-retryable NACK: bad");
    assertThat(tracker2.pendingCount()).isZero();
    assertThat(checkpoint(restarted)).isEmpty();
  }

  @Test
  @DisplayName("after a restart the ledger's messages are pending again: overdue ones re-sent at once, attempts counted on")
  void restartResumes() {
    coordinator.submit("overdue", "p".getBytes(), "text/plain", 0);
    scheduler.advance(1000);
    coordinator.submit("fresh", new byte[0], null, 5000);
    java.util.Map<String, LedgerEntry> saved = checkpoint(coordinator);
    // A dies here; a new A starts 1.5 s later from that checkpoint.
    clock.advanceMillis(1500);
    FakeOutbound out2 = new FakeOutbound();
    out2.topic.addAll(outbound.topic); // the same topic 1, read back by the new A
    MessageTracker tracker2 =
        new MessageTracker(clock, new RetryPolicy(1000, 3, 2.0, 60_000, 0.0, 100, 10_000), () -> 0.5, 100);
    Coordinator restarted = new Coordinator(tracker2, out2, new WriteBarrier(), scheduler, clock, "a1", 2, 500,
        1000);
    restarted.start(new ArrayList<>(saved.values()));

    assertThat(tracker2.pendingCount()).isEqualTo(2);
    assertThat(tracker2.stats().recovered()).isEqualTo(2);
    assertThat(tracker2.oldestPending().id()).as("recovered messages are listed, oldest first").isEqualTo("overdue");
    scheduler.advance(1000);
    assertThat(out2.sent).extracting(Envelope::id, Envelope::attempt, Envelope::payload)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("overdue", 3, "p".getBytes()));
    scheduler.advance(3000);
    assertThat(out2.sent).extracting(Envelope::id).containsExactly("overdue", "fresh");
  }

  @Test
  @DisplayName("a large ledger is restored a slice per scheduler turn; submissions wait until it is open")
  void restoresInSlices() {
    int count = Coordinator.RESTORE_SLICE * 2 + 5;
    List<LedgerEntry> entries = new ArrayList<>();
    long now = clock.wallMillis();
    for (int i = 0; i < count; i++) {
      entries.add(new LedgerEntry("r" + i, "a1", 1, now, now, 60_000, now + 60_000, null, new byte[0]));
    }
    MessageTracker tracker2 =
        new MessageTracker(clock, new RetryPolicy(1000, 3, 2.0, 60_000, 0.0, 100, 10_000), () -> 0.5, 100);
    Coordinator restarted = new Coordinator(tracker2, new FakeOutbound(), new WriteBarrier(), scheduler, clock, "a1",
        2, 500, count + 10);

    Future<Void> started = restarted.start(entries);

    assertThat(tracker2.pendingCount()).as("first slice, restored at once").isEqualTo(Coordinator.RESTORE_SLICE);
    assertThat(started.isComplete()).isFalse();
    assertThat(restarted.ready()).isFalse();
    scheduler.advance(1);
    scheduler.advance(1);
    assertThat(started.succeeded()).isTrue();
    assertThat(restarted.ready()).isFalse();
    restarted.open();
    assertThat(restarted.ready()).isTrue();
    assertThat(tracker2.pendingCount()).isEqualTo(count);
  }

  @Test
  @DisplayName("a restart keeps a message's trace with tracing on, and drops it with tracing off (checkpoints stay "
      + "readable by a build without tracing)")
  void restoredTraces() {
    TraceRoot trace = TraceRoot.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    long now = clock.wallMillis();
    LedgerEntry entry = new LedgerEntry("t1", "a1", 1, now, now, 60_000, now + 60_000, null, null, 7,
        new Position(0, 3), 0, null, trace);
    for (boolean on : new boolean[] {true, false}) {
      MessageTracker fresh =
          new MessageTracker(clock, new RetryPolicy(1000, 3, 2.0, 60_000, 0.0, 100, 10_000), () -> 0.5, 100);
      new Coordinator(fresh, new FakeOutbound(), new WriteBarrier(), scheduler, clock, "a1", 2, 500, 10,
          on ? (id, traceparent) -> () -> null : MessageTracing.NONE).start(List.of(entry));
      assertThat(fresh.find("t1").orElseThrow().trace()).isEqualTo(on ? trace : null);
    }
  }

  @Test
  @DisplayName("a refusing admission check (A's heap) refuses the submission with its reason; nothing is sent")
  void admissionRefuses() {
    coordinator.admission(() -> "heap full");

    Future<TrackedMessage> f = coordinator.submit("m1", new byte[0], null, 0);

    assertThat(f.cause()).isInstanceOf(Coordinator.RejectedException.class).hasMessage("heap full");
    assertThat(((Coordinator.RejectedException) f.cause()).conflict()).isFalse();
    assertThat(outbound.sent).isEmpty();
    assertThat(tracker.pendingCount()).isZero();
  }

  private Reply signed(Reply reply) {
    return TestReplies.signed(tracker, reply);
  }
}

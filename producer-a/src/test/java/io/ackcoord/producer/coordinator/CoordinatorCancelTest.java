package io.ackcoord.producer.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ackcoord.producer.coordinator.CoordinatorTest.FakeOutbound;
import io.ackcoord.producer.timer.FakeScheduler;
import io.ackcoord.producer.timer.RetryPolicy;
import io.ackcoord.producer.tracker.MessageState;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.producer.tracker.MessageTracker.CancelOutcome;
import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.time.ManualClock;
import io.vertx.core.Future;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The coordinator's side of a cancel: the dead letter written through the usual path, checkpoints, the waiters. */
class CoordinatorCancelTest {

  private final ManualClock clock = new ManualClock();
  private final FakeScheduler scheduler = new FakeScheduler(clock);
  private final FakeOutbound outbound = new FakeOutbound();
  private final MessageTracker tracker =
      new MessageTracker(clock, new RetryPolicy(1000, 3, 2.0, 60_000, 0.0, 100, 10_000), () -> 0.5, 100);
  private final Coordinator coordinator = new Coordinator(tracker, outbound, new io.ackcoord.producer.ledger.WriteBarrier(), scheduler, clock, "a1", 2, 500,
      1000);

  @Test
  @DisplayName("a cancel dead-letters the message with its reason and the payload read back; no re-send follows")
  void cancelWritesDeadLetter() {
    coordinator.start(List.of());
    coordinator.open();
    coordinator.submit("m1", "hello".getBytes(), "text/plain", 0);
    Future<TrackedMessage> done = coordinator.completion("m1");

    var result = coordinator.cancel("m1", "cancelled by token #1 from 127.0.0.1: duplicate order");

    assertThat(result.outcome()).isEqualTo(CancelOutcome.CANCELLED);
    assertThat(outbound.deadLetters).containsExactly("m1: cancelled by token #1 from 127.0.0.1: duplicate order");
    assertThat(outbound.payloadReads).as("the payload comes back from topic 1").isEqualTo(1);
    assertThat(done.result().state()).isEqualTo(MessageState.CANCELLED);
    assertThat(done.result().deadLetterDurable()).isTrue();
    assertThat(CoordinatorTest.checkpoint(coordinator)).isEmpty();
    scheduler.advance(60_000);
    assertThat(outbound.sent).extracting(Envelope::attempt).containsExactly(1);
    assertThat(coordinator.completion("m1").succeeded()).isTrue();
  }

  @Test
  @DisplayName("until its dead letter is durable the cancel's completion waits; a failed write is retried")
  void cancelRetriedUntilDurable() {
    coordinator.start(List.of());
    coordinator.open();
    coordinator.submit("m1", "hello".getBytes(), "text/plain", 0);
    outbound.failDeadLetters = true;

    coordinator.cancel("m1", "why");
    Future<TrackedMessage> done = coordinator.completion("m1");
    assertThat(done.isComplete()).isFalse();
    assertThat(CoordinatorTest.checkpoint(coordinator)).as("checkpoints keep it until the dead letter is durable")
        .containsKey("m1");

    outbound.failDeadLetters = false;
    scheduler.advance(60_000);
    assertThat(done.succeeded()).isTrue();
    assertThat(outbound.deadLetters).containsExactly("m1: why");
    assertThat(outbound.sent).hasSize(1);
  }

  @Test
  @DisplayName("unknown and final ids change nothing; a cancel before start is refused")
  void refusals() {
    assertThatThrownBy(() -> coordinator.cancel("m1", "why")).isInstanceOf(Coordinator.RejectedException.class);
    coordinator.start(List.of());
    coordinator.open();
    assertThat(coordinator.cancel("nope", "why").outcome()).isEqualTo(CancelOutcome.UNKNOWN);
    coordinator.submit("m1", new byte[0], null, 0);
    coordinator.cancel("m1", "why");
    assertThat(coordinator.cancel("m1", "again").outcome()).isEqualTo(CancelOutcome.FINAL);
    assertThat(outbound.deadLetters).hasSize(1);
    assertThat(coordinator.maxPending()).isEqualTo(1000);
  }
}

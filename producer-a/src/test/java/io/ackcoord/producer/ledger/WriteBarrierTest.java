package io.ackcoord.producer.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WriteBarrierTest {

  private final WriteBarrier barrier = new WriteBarrier();

  @Test
  @DisplayName("a cut waits for the writes issued before it, not for those issued after")
  void cutWaitsForOlderWritesOnly() {
    Promise<Void> before = Promise.promise();
    barrier.track(before.future());
    Future<Void> cut = barrier.cut();
    Promise<Void> after = Promise.promise();
    barrier.track(after.future());

    assertThat(cut.isComplete()).isFalse();
    after.complete();
    assertThat(cut.isComplete()).as("a later write does not release it").isFalse();
    before.fail("broker down");
    assertThat(cut.succeeded()).as("an answer is an answer, failed or not").isTrue();
    assertThat(barrier.unanswered()).isZero();
  }

  @Test
  @DisplayName("a cut with nothing in flight completes at once; two cuts in a row wait for everything before either")
  void cutsInARow() {
    assertThat(barrier.cut().succeeded()).isTrue();
    Promise<Void> first = Promise.promise();
    barrier.track(first.future());
    Future<Void> cut1 = barrier.cut();
    Promise<Void> second = Promise.promise();
    barrier.track(second.future());
    Future<Void> cut2 = barrier.cut();

    second.complete();
    assertThat(cut2.isComplete()).isFalse();
    first.complete();
    assertThat(cut1.succeeded()).isTrue();
    assertThat(cut2.succeeded()).isTrue();
  }

  @Test
  @DisplayName("a write already answered when tracked leaves nothing behind")
  void alreadyAnswered() {
    barrier.track(Future.succeededFuture());
    barrier.track(Future.failedFuture("x"));
    assertThat(barrier.unanswered()).isZero();
    assertThat(barrier.cut().succeeded()).isTrue();
  }
}

package io.ackcoord.time;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class DeadlineTest {

  @Test
  @DisplayName("what is left shrinks with the clock and never drops below 1 ms")
  void left() {
    ManualClock clock = new ManualClock();
    Deadline deadline = Deadline.in(clock, 1_000);
    assertThat(deadline.leftMillis()).isEqualTo(1_000);
    clock.advanceMillis(400);
    assertThat(deadline.leftMillis()).isEqualTo(600);
    clock.advanceMillis(5_000);
    assertThat(deadline.leftMillis()).isEqualTo(1);
  }

  @Test
  @DisplayName("an operation done in time completes the wait on the given context, with no failure reported")
  void doneInTime(Vertx vertx, VertxTestContext test) throws Exception {
    Context context = vertx.getOrCreateContext();
    AtomicReference<Throwable> reported = new AtomicReference<>();
    Promise<String> operation = Promise.promise();
    Deadline.in(new ManualClock(), 60_000).await(context, operation.future(), reported::set)
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertThat(Vertx.currentContext()).isSameAs(context);
          assertThat(reported.get()).isNull();
          test.completeNow();
        })));
    operation.complete("closed");
    assertThat(test.awaitCompletion(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @DisplayName("an operation still running at the deadline is left behind: the wait succeeds and reports the timeout")
  void leftBehind(Vertx vertx, VertxTestContext test) throws Exception {
    Context context = vertx.getOrCreateContext();
    AtomicReference<Throwable> reported = new AtomicReference<>();
    Deadline.in(new ManualClock(), 50).await(context, Promise.promise().future(), reported::set)
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertThat(Vertx.currentContext()).isSameAs(context);
          assertThat(reported.get()).isInstanceOf(TimeoutException.class);
          test.completeNow();
        })));
    assertThat(test.awaitCompletion(5, TimeUnit.SECONDS)).isTrue();
  }
}

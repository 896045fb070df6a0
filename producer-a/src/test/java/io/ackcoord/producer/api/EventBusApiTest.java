package io.ackcoord.producer.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link EventBusApi}'s flow control: a flood of requests does not hold A's event loop. */
@ExtendWith(VertxExtension.class)
class EventBusApiTest {

  private static final String ADDRESS = "test.ackcoord.submit";

  @Test
  void aFloodOfRequestsLeavesTheEventLoopTurnsInBetween(Vertx vertx, VertxTestContext test) {
    int requests = 3 * EventBusApi.PER_TURN;
    AtomicInteger handled = new AtomicInteger();
    AtomicInteger seenByOtherTask = new AtomicInteger(-1);
    Context a = vertx.getOrCreateContext();
    // No coordinator: every request is answered 503 at once, which is all this test needs to count them.
    EventBusApi api = new EventBusApi(() -> {
      handled.incrementAndGet();
      return null;
    }, () -> new TimeoutRule(100));
    a.runOnContext(v -> api.register(vertx, ADDRESS).onComplete(test.succeeding(c -> {
      AtomicInteger answered = new AtomicInteger();
      for (int i = 0; i < requests; i++) {
        vertx.eventBus().request(ADDRESS, "payload").onComplete(ar -> test.verify(() -> {
          assertThat(ar.failed()).isTrue();
          assertThat(((ReplyException) ar.cause()).failureCode()).isEqualTo(EventBusApi.UNAVAILABLE);
          if (answered.incrementAndGet() == requests) {
            // Another task queued behind the flood ran before all of it was handled.
            assertThat(seenByOtherTask.get()).isBetween(0, requests - 1);
            test.completeNow();
          }
        }));
      }
      a.runOnContext(x -> seenByOtherTask.set(handled.get()));
    })));
  }
}

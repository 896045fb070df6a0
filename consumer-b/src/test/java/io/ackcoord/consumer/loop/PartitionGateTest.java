package io.ackcoord.consumer.loop;

import static io.ackcoord.consumer.TestEnvelopes.consumerRecord;
import static io.ackcoord.consumer.TestEnvelopes.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.consumer.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** B2 Gate: records wait for their partition's restore; revocation waits for started records. */
@ExtendWith(VertxExtension.class)
class PartitionGateTest {

  private static final String TOPIC = "messages";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

  private final List<Long> started = new CopyOnWriteArrayList<>();
  private final List<Long> finished = new CopyOnWriteArrayList<>();
  private final Map<Long, Promise<Void>> running = new java.util.concurrent.ConcurrentHashMap<>();
  private Context context;
  private PartitionGate gate;

  @BeforeEach
  void setUp(Vertx vertx) {
    context = vertx.getOrCreateContext();
    gate = new PartitionGate(vertx, in -> {
      started.add(in.offset());
      Promise<Void> p = Promise.promise();
      running.put(in.offset(), p);
      return p.future();
    }, (in, ar) -> finished.add(in.offset()));
  }

  @Test
  @DisplayName("records of a partition being restored wait, then start in order once it opens")
  void queuedUntilOpen() {
    List<Boolean> accepted = onContext(() -> {
      gate.assigned(P0, 1);
      List<Boolean> out = new ArrayList<>();
      for (long o = 0; o < 3; o++) {
        out.add(gate.offer(inbound(o, 1)));
      }
      return out;
    });
    assertThat(accepted).containsOnly(true);
    assertThat(started).isEmpty();

    onContext(() -> {
      gate.open(P0, 1);
      return true;
    });

    assertThat(started).containsExactly(0L, 1L, 2L);
  }

  @Test
  @DisplayName("a record read under another epoch is refused; an open for a stale epoch does nothing")
  void staleEpoch() {
    boolean accepted = onContext(() -> {
      gate.assigned(P0, 2);
      gate.open(P0, 1);
      return gate.offer(inbound(0, 1));
    });

    assertThat(accepted).isFalse();
    assertThat(started).isEmpty();
  }

  @Test
  @DisplayName("draining drops queued records, refuses new ones, and waits for started ones")
  void drainWaitsForStarted() throws Exception {
    onContext(() -> {
      gate.assigned(P0, 1);
      gate.open(P0, 1);
      gate.offer(inbound(0, 1));
      return true;
    });
    int dropped = onContext(() -> gate.drain(Set.of(P0)));
    assertThat(dropped).isZero();
    assertThat(onContext(() -> gate.offer(inbound(1, 1)))).isFalse();

    CompletableFuture<Void> idle = new CompletableFuture<>();
    context.runOnContext(v -> gate.whenIdle(Set.of(P0), 60_000).onComplete(ar -> idle.complete(null)));
    assertThat(idle).isNotDone();

    context.runOnContext(v -> running.get(0L).complete());

    assertThat(idle).succeedsWithin(Duration.ofSeconds(5));
    assertThat(finished).containsExactly(0L);
  }

  @Test
  @DisplayName("waiting for a revoked partition's records gives up after the timeout")
  void drainTimesOut() {
    onContext(() -> {
      gate.assigned(P0, 1);
      gate.open(P0, 1);
      gate.offer(inbound(0, 1));
      return true;
    });

    CompletableFuture<Void> idle = new CompletableFuture<>();
    context.runOnContext(v -> gate.whenIdle(Set.of(P0), 50).onComplete(ar -> idle.complete(null)));

    assertThat(idle).succeedsWithin(Duration.ofSeconds(5));
    assertThat(finished).isEmpty();
  }

  @Test
  @DisplayName("forgetting a partition drops its queue; a record still running reports when it finishes")
  void forget() {
    int dropped = onContext(() -> {
      gate.assigned(P0, 1);
      gate.offer(inbound(0, 1));
      gate.offer(inbound(1, 1));
      return gate.forget(Set.of(P0));
    });

    assertThat(dropped).isEqualTo(2);
    onContext(() -> {
      gate.open(P0, 1);
      return true;
    });
    assertThat(started).isEmpty();
  }

  private static Inbound inbound(long offset, long epoch) {
    return Inbound.of(consumerRecord(TOPIC, envelope("m" + offset, 0, 30_000), offset), epoch);
  }

  private <T> T onContext(Supplier<T> action) {
    return OnContext.call(context, action);
  }
}

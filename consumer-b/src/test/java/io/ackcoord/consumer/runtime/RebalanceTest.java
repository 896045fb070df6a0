package io.ackcoord.consumer.runtime;

import static io.ackcoord.consumer.TestEnvelopes.consumerRecord;
import static io.ackcoord.consumer.TestEnvelopes.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.consumer.DedupeStore;
import io.ackcoord.consumer.Effects;
import io.ackcoord.consumer.IncomingMessage;
import io.ackcoord.consumer.MessageHandler;
import io.ackcoord.consumer.OnContext;
import io.ackcoord.consumer.guarantee.Guarantee;
import io.ackcoord.consumer.kafka.Backoff;
import io.ackcoord.consumer.loop.InFlightLimit;
import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.consumer.loop.Lease;
import io.ackcoord.consumer.loop.LeaseGuard;
import io.ackcoord.consumer.loop.PartitionEpochs;
import io.ackcoord.consumer.offsets.OffsetTracker;
import io.ackcoord.consumer.replies.Outcome;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.time.ManualClock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rebalance handling with fakes for the dedupe record, the handler and the guarantee: the test thread plays the
 * consumer thread (it sets the epochs, as the consumer loop does, then calls the callback). No broker, no sleeping.
 */
@ExtendWith(VertxExtension.class)
class RebalanceTest {

  private static final String TOPIC = "messages";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final Set<TopicPartition> PARTITIONS = Set.of(P0);

  private final ManualClock clock = new ManualClock();
  private final ConsumerStats stats = new ConsumerStats();
  private final PartitionEpochs epochs = new PartitionEpochs();
  private final OffsetTracker offsets = new OffsetTracker();
  private final RunState state = new RunState();
  /** In the order they happened: "restore", "handler assigned", "forget", "handler revoked", "drain", … */
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final Map<Long, Promise<Void>> running = new ConcurrentHashMap<>();
  /** How each restore of the dedupe record ends, in turn; succeeds when none is left. */
  private final List<Future<Void>> restores = new CopyOnWriteArrayList<>();
  private Context context;
  private RecordIntake intake;
  private Rebalance rebalance;

  @BeforeEach
  void setUp(Vertx vertx) {
    context = vertx.getOrCreateContext();
    intake = new RecordIntake(vertx, new RecordIntake.Fetch() {
      @Override
      public void taken() {
      }

      @Override
      public void pause(boolean pause) {
      }
    }, epochs, offsets, stats, new InFlightLimit(100), state, in -> {
      Promise<Void> p = Promise.promise();
      running.put(in.offset(), p);
      return p.future();
    });
    LeaseGuard guard = new LeaseGuard(vertx, clock, epochs, new Lease(clock, 5_000), Future::succeededFuture,
        new Backoff(1, 5), stats);
    rebalance = new Rebalance(vertx, context, epochs, offsets, intake, dedupe(), handler(), guard, guarantee(), state,
        60_000, new Backoff(1, 5));
  }

  @Test
  @DisplayName("assigned: the dedupe record, then the handler's state are restored before the gate lets the "
      + "partition's records through")
  void assignedRestoresFirst() {
    Promise<Void> restored = Promise.promise();
    restores.add(restored.future());

    long epoch = assign();
    await().until(() -> events.contains("restore"));
    onContext(() -> {
      intake.records(List.of(inbound(0, epoch)));
      return null;
    });
    assertThat(running).as("held at the gate").isEmpty();

    onContext(() -> {
      restored.complete();
      return null;
    });

    await().until(() -> running.containsKey(0L));
    assertThat(events).containsExactly("restore", "handler assigned");
  }

  @Test
  @DisplayName("a failed restore is retried with backoff while the partition is still owned")
  void failedRestoreRetried() {
    restores.add(Future.failedFuture(new IllegalStateException("broker away")));

    long epoch = assign();
    await().until(() -> events.stream().filter("handler assigned"::equals).count() == 1);
    onContext(() -> {
      intake.records(List.of(inbound(0, epoch)));
      return null;
    });

    await().until(() -> running.containsKey(0L));
    assertThat(events).containsExactly("restore", "restore", "handler assigned");
  }

  @Test
  @DisplayName("revoking: queued records are dropped unstarted, started ones finish, and the guarantee's positions "
      + "go back to the consumer thread to commit")
  void revokingDrainsThenHandsBackPositions() {
    long epoch = assign();
    await().until(() -> events.contains("handler assigned"));
    onContext(() -> {
      intake.records(List.of(inbound(0, epoch)));
      return null;
    });
    await().until(() -> running.containsKey(0L));

    epochs.drain(PARTITIONS); // as the consumer loop does before calling back
    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> positions =
        CompletableFuture.supplyAsync(() -> rebalance.revoking(PARTITIONS));
    onContext(() -> null);
    assertThat(positions).as("waits for the started record").isNotDone();

    onContext(() -> {
      running.get(0L).complete();
      return null;
    });

    assertThat(positions).succeedsWithin(Duration.ofSeconds(5))
        .isEqualTo(Map.of(P0, new OffsetAndMetadata(1)));
    assertThat(events).contains("drain");
  }

  @Test
  @DisplayName("gone (lost): the partition's queued work is dropped unanswered, and the dedupe record, the "
      + "guarantee and the handler forget it")
  void goneForgetsEverything() {
    Promise<Void> restored = Promise.promise();
    restores.add(restored.future());
    long epoch = assign();
    await().until(() -> events.contains("restore"));
    onContext(() -> {
      intake.records(List.of(inbound(0, epoch), inbound(1, epoch)));
      return null;
    });

    epochs.remove(PARTITIONS);
    rebalance.gone(PARTITIONS, true);

    await().until(() -> events.contains("handler revoked"));
    assertThat(events).containsSubsequence("forget", "guarantee forget", "handler revoked");
    assertThat(stats.dropped()).isEqualTo(2);
    assertThat(stats.inFlight()).isZero();
    assertThat(offsets.inFlight()).isZero();
  }

  /** Assigns P0 as the consumer loop would: the epoch first, then the callback; returns the epoch. */
  private long assign() {
    epochs.assign(PARTITIONS);
    rebalance.assigned(PARTITIONS);
    return epochs.current(P0);
  }

  private static Inbound inbound(long offset, long epoch) {
    return Inbound.of(consumerRecord(TOPIC, envelope("m" + offset, 0, 30_000), offset), epoch);
  }

  private DedupeStore dedupe() {
    return new DedupeStore() {
      @Override
      public Future<Void> restore(Set<TopicPartition> partitions) {
        events.add("restore");
        return restores.isEmpty() ? Future.succeededFuture() : restores.remove(0);
      }

      @Override
      public void forget(Set<TopicPartition> partitions) {
        events.add("forget");
      }

      @Override
      public boolean contains(String id) {
        return false;
      }

      @Override
      public void add(TopicPartition partition, String id) {
      }
    };
  }

  private MessageHandler handler() {
    return new MessageHandler() {
      @Override
      public Future<Void> handle(IncomingMessage message) {
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> onPartitionsAssigned(Set<TopicPartition> partitions) {
        events.add("handler assigned");
        return Future.succeededFuture();
      }

      @Override
      public void onPartitionsRevoked(Set<TopicPartition> partitions) {
        events.add("handler revoked");
      }
    };
  }

  /** Hands back, on drain, the position after the last record of the partition. */
  private Guarantee guarantee() {
    return new Guarantee() {
      @Override
      public Effects effects(Inbound in) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Future<Void> settle(Inbound in, Envelope envelope, Outcome outcome, boolean mark, Effects effects) {
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> poison(Inbound in, String error) {
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> renewLease() {
        return Future.succeededFuture();
      }

      @Override
      public Future<Map<TopicPartition, OffsetAndMetadata>> drain(Set<TopicPartition> partitions) {
        events.add("drain");
        return Future.succeededFuture(Map.of(P0, new OffsetAndMetadata(1)));
      }

      @Override
      public void forget(Set<TopicPartition> partitions) {
        events.add("guarantee forget");
      }

      @Override
      public Future<Void> flush() {
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }
    };
  }

  private <T> T onContext(Supplier<T> action) {
    return OnContext.call(context, action);
  }
}

package io.ackcoord.consumer.runtime;

import static io.ackcoord.consumer.TestEnvelopes.consumerRecord;
import static io.ackcoord.consumer.TestEnvelopes.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.consumer.OnContext;
import io.ackcoord.consumer.OwnershipLostException;
import io.ackcoord.consumer.loop.InFlightLimit;
import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.consumer.loop.PartitionEpochs;
import io.ackcoord.consumer.offsets.OffsetTracker;
import io.ackcoord.consumer.status.ConsumerStats;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** B1 Poll → B2 Gate → the pipeline, with a fake consumer thread and a fake pipeline: no broker, no sleeping. */
@ExtendWith(VertxExtension.class)
class RecordIntakeTest {

  private static final String TOPIC = "messages";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

  private final ConsumerStats stats = new ConsumerStats();
  private final PartitionEpochs epochs = new PartitionEpochs();
  private final OffsetTracker offsets = new OffsetTracker();
  private final RunState state = new RunState();
  private final AtomicInteger taken = new AtomicInteger();
  private final List<Boolean> pauses = new CopyOnWriteArrayList<>();
  /** What the fake pipeline runs now, by offset; the test finishes each. */
  private final Map<Long, Promise<Void>> running = new ConcurrentHashMap<>();
  private Context context;
  private RecordIntake intake;
  private long epoch;

  @BeforeEach
  void setUp(Vertx vertx) {
    context = vertx.getOrCreateContext();
    epochs.assign(List.of(P0));
    epoch = epochs.current(P0);
    RecordIntake.Fetch fetch = new RecordIntake.Fetch() {
      @Override
      public void taken() {
        taken.incrementAndGet();
      }

      @Override
      public void pause(boolean pause) {
        pauses.add(pause);
      }
    };
    intake = new RecordIntake(vertx, fetch, epochs, offsets, stats, new InFlightLimit(4), state, in -> {
      Promise<Void> p = Promise.promise();
      running.put(in.offset(), p);
      return p.future();
    });
  }

  @Test
  @DisplayName("a polled batch is acknowledged, tracked and counted, and waits at the gate until its partition is "
      + "restored")
  void batchWaitsForTheGate() {
    onContext(() -> {
      intake.gate().assigned(P0, epoch);
      intake.records(batch(0, 1));
      return null;
    });
    assertThat(taken).hasValue(1);
    assertThat(stats.received()).isEqualTo(2);
    assertThat(stats.inFlight()).isEqualTo(2);
    assertThat(offsets.inFlight()).isEqualTo(2);
    assertThat(running).isEmpty();

    onContext(() -> {
      intake.gate().open(P0, epoch);
      return null;
    });

    assertThat(running).containsOnlyKeys(0L, 1L);
  }

  @Test
  @DisplayName("a finished record is counted off; one dropped because its partition moved counts as dropped")
  void finishedAndDropped() {
    open();
    onContext(() -> {
      intake.records(batch(0, 1));
      running.get(0L).complete();
      running.get(1L).fail(new OwnershipLostException("moved"));
      return null;
    });

    assertThat(stats.inFlight()).isZero();
    assertThat(stats.dropped()).isEqualTo(1);
  }

  @Test
  @DisplayName("records of a stale epoch, or polled while B stops, are neither tracked nor started (read again)")
  void staleOrStopping() {
    open();
    onContext(() -> {
      intake.records(List.of(Inbound.of(consumerRecord(TOPIC, envelope("old", 0, 30_000), 0), epoch - 1)));
      state.stop();
      intake.records(batch(1));
      return null;
    });

    assertThat(taken).as("each batch is acknowledged all the same").hasValue(2);
    assertThat(stats.received()).isZero();
    assertThat(offsets.inFlight()).isZero();
    assertThat(running).isEmpty();
  }

  @Test
  @DisplayName("fetching pauses at processing.max.in.flight and resumes once fewer than half are in flight")
  void backpressure() {
    open();
    onContext(() -> {
      intake.records(batch(0, 1, 2, 3));
      return null;
    });
    assertThat(pauses).containsExactly(true);

    onContext(() -> {
      running.get(0L).complete();
      running.get(1L).complete();
      return null;
    });
    assertThat(pauses).as("2 of 4 is not under half").containsExactly(true);

    onContext(() -> {
      running.get(2L).complete();
      return null;
    });
    assertThat(pauses).containsExactly(true, false);
  }

  @Test
  @DisplayName("a stop waits until nothing is in flight, or gives up after its timeout")
  void awaitIdle() {
    open();
    CompletableFuture<Void> idle = onContext(() -> {
      intake.records(batch(0));
      return intake.awaitIdle(60_000).toCompletionStage().toCompletableFuture();
    });
    assertThat(idle).isNotDone();

    onContext(() -> {
      running.get(0L).complete();
      return null;
    });
    assertThat(idle).succeedsWithin(Duration.ofSeconds(5));

    CompletableFuture<Void> timedOut = onContext(() -> {
      intake.records(batch(1));
      return intake.awaitIdle(1).toCompletionStage().toCompletableFuture();
    });
    assertThat(timedOut).succeedsWithin(Duration.ofSeconds(5));
    assertThat(stats.inFlight()).isEqualTo(1);
  }

  private void open() {
    onContext(() -> {
      intake.gate().assigned(P0, epoch);
      intake.gate().open(P0, epoch);
      return null;
    });
  }

  private List<Inbound> batch(long... offsetsOf) {
    return LongStream.of(offsetsOf)
        .mapToObj(o -> Inbound.of(consumerRecord(TOPIC, envelope("m" + o, 0, 30_000), o), epoch))
        .toList();
  }

  private <T> T onContext(Supplier<T> action) {
    return OnContext.call(context, action);
  }
}

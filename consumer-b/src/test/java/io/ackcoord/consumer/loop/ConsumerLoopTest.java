package io.ackcoord.consumer.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ackcoord.time.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The consumer thread's side of rebalances and commits, against Kafka's MockConsumer. */
@ExtendWith(VertxExtension.class)
class ConsumerLoopTest {

  private static final String TOPIC = "messages";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

  /** A MockConsumer whose poll waits a little when there is nothing, as a real one blocks. */
  static final class BlockingMock extends MockConsumer<String, byte[]> {
    private final Object idle = new Object();
    /** Every commit, as sent (MockConsumer's committed() answers 0 for a partition no longer assigned). */
    final List<Map<TopicPartition, OffsetAndMetadata>> commits = new CopyOnWriteArrayList<>();

    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
      commits.add(Map.copyOf(offsets));
      // MockConsumer's commitSync goes through commitAsync, which must not count it again.
      inSync = true;
      try {
        super.commitSync(offsets);
      } finally {
        inSync = false;
      }
    }

    private boolean inSync;

    /** Commits made without waiting (B's commits between polls); MockConsumer answers them at once. */
    final List<Map<TopicPartition, OffsetAndMetadata>> asyncCommits = new CopyOnWriteArrayList<>();

    @Override
    public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets,
        OffsetCommitCallback callback) {
      if (inSync) {
        super.commitAsync(offsets, callback);
        return;
      }
      commits.add(Map.copyOf(offsets));
      asyncCommits.add(Map.copyOf(offsets));
      if (answerCommits) {
        super.commitAsync(offsets, callback);
      }
    }

    /** False: commits go unanswered, as with a coordinator that does not respond. */
    volatile boolean answerCommits = true;
    final AtomicLong polls = new AtomicLong();

    /** Every partition whose position was asked for, in order. */
    final List<TopicPartition> positionsFetched = new CopyOnWriteArrayList<>();

    BlockingMock() {
      super("earliest");
    }

    @Override
    public synchronized long position(TopicPartition partition, Duration timeout) {
      positionsFetched.add(partition);
      return super.position(partition, timeout);
    }

    /** The timeout of the last poll. */
    volatile Duration lastPollTimeout;

    @Override
    public ConsumerRecords<String, byte[]> poll(Duration timeout) {
      lastPollTimeout = timeout;
      polls.incrementAndGet();
      ConsumerRecords<String, byte[]> records = super.poll(timeout);
      if (records.isEmpty()) {
        synchronized (idle) {
          try {
            idle.wait(5);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
      return records;
    }
  }

  /** Records what the loop reports, on the consumer thread. */
  final class Events implements ConsumerLoop.Listener {
    final List<Inbound> records = new CopyOnWriteArrayList<>();
    final List<Set<TopicPartition>> assigned = new CopyOnWriteArrayList<>();
    final Map<Set<TopicPartition>, Boolean> gone = new ConcurrentHashMap<>();
    volatile Map<TopicPartition, OffsetAndMetadata> toCommitOnRevoke = Map.of();
    volatile boolean ownedWhileRevoking;
    volatile List<TopicPartition> positionsBeforeAssigned = List.of();

    @Override
    public void records(List<Inbound> batch) {
      records.addAll(batch);
      loop.taken();
    }

    @Override
    public void assigned(Set<TopicPartition> partitions) {
      assigned.add(partitions);
      positionsBeforeAssigned = List.copyOf(consumer.positionsFetched);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> revoking(Set<TopicPartition> partitions) {
      ownedWhileRevoking = partitions.stream().allMatch(tp -> epochs.isCurrent(tp, epochs.current(tp))
          && !epochs.mayStart(tp, epochs.current(tp)));
      return toCommitOnRevoke;
    }

    @Override
    public void gone(Set<TopicPartition> partitions, boolean lost) {
      gone.put(partitions, lost);
    }

    @Override
    public void pollFailed(RuntimeException error) {
    }
  }

  private final ManualClock clock = new ManualClock();
  private final PartitionEpochs epochs = new PartitionEpochs();
  private final BlockingMock consumer = new BlockingMock();
  private final Events events = new Events();
  private Lease lease;
  private ConsumerLoop loop;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    lease = new Lease(clock, 5_000);
    loop = new ConsumerLoop(consumer, vertx.getOrCreateContext(), epochs, lease, clock, Duration.ofMillis(10),
        Duration.ofSeconds(5), "loop-test");
    loop.start(List.of(TOPIC), events).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
  }

  @AfterEach
  void tearDown() throws Exception {
    loop.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("assigned partitions' positions are fetched before B hears of them (so a previous owner's open "
      + "transaction resolves before B restores)")
  void positionsFetchedBeforeRestore() {
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0, P1)));

    await().atMost(Duration.ofSeconds(5)).until(() -> events.assigned.size() == 1);
    assertThat(events.positionsBeforeAssigned).containsExactlyInAnyOrder(P0, P1);
  }

  @Test
  @DisplayName("an assignment sets new epochs and confirms the lease; records carry their partition's epoch")
  void assignmentAndRecords() {
    consumer.schedulePollTask(() -> {
      consumer.rebalance(List.of(P0, P1));
      consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, "k0", new byte[0]));
      consumer.addRecord(new ConsumerRecord<>(TOPIC, 1, 0, "k1", new byte[0]));
    });

    await().atMost(Duration.ofSeconds(5)).until(() -> events.records.size() == 2);
    assertThat(events.assigned).containsExactly(Set.of(P0, P1));
    assertThat(lease.valid()).isTrue();
    assertThat(events.records).allSatisfy(in ->
        assertThat(in.epoch()).isEqualTo(epochs.current(in.partition())).isNotEqualTo(PartitionEpochs.NONE));
  }

  @Test
  @DisplayName("a revocation drains the partitions, commits what B returns for them on the consumer thread, then drops them")
  void revocationCommitsInside() {
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0, P1)));
    await().atMost(Duration.ofSeconds(5)).until(() -> epochs.owned().size() == 2);
    events.toCommitOnRevoke = Map.of(P1, new OffsetAndMetadata(7));

    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));

    await().atMost(Duration.ofSeconds(5)).until(() -> events.gone.containsKey(Set.of(P1)));
    assertThat(events.ownedWhileRevoking).as("draining, not gone, while B finishes").isTrue();
    assertThat(consumer.commits).containsExactly(Map.of(P1, new OffsetAndMetadata(7)));
    assertThat(consumer.asyncCommits).as("the partitions may go only once it landed: a synchronous commit").isEmpty();
    assertThat(events.gone).containsEntry(Set.of(P1), false);
    assertThat(epochs.owned()).containsExactly(P0);
  }

  @Test
  @DisplayName("a commit computed under an epoch that is no longer current is not sent")
  void staleCommitFiltered() throws Exception {
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0, P1)));
    await().atMost(Duration.ofSeconds(5)).until(() -> epochs.owned().size() == 2);
    long p0 = epochs.current(P0);
    long p1 = epochs.current(P1);
    epochs.remove(List.of(P1));

    Map<TopicPartition, OffsetAndMetadata> committed = loop.commit(
            Map.of(P0, new OffsetAndMetadata(3), P1, new OffsetAndMetadata(9)), Map.of(P0, p0, P1, p1))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(committed).containsOnlyKeys(P0);
    assertThat(consumer.commits).containsExactly(Map.of(P0, new OffsetAndMetadata(3)));
    assertThat(consumer.asyncCommits).as("B's commits between polls do not hold the poll").hasSize(1);
  }

  @Test
  @DisplayName("a commit the coordinator does not answer fails after the commit timeout, and the loop polls on meanwhile")
  void unansweredCommitFails() throws Exception {
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
    await().atMost(Duration.ofSeconds(5)).until(() -> epochs.owned().size() == 1);
    consumer.answerCommits = false;

    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> committed = loop.commit(
        Map.of(P0, new OffsetAndMetadata(3)), Map.of(P0, epochs.current(P0))).toCompletionStage().toCompletableFuture();
    await().atMost(Duration.ofSeconds(5)).until(() -> consumer.asyncCommits.size() == 1);
    long polls = consumer.polls.get();
    await().atMost(Duration.ofSeconds(5)).until(() -> consumer.polls.get() > polls + 3);
    assertThat(committed).isNotDone();

    clock.advance(ConsumerLoop.COMMIT_TIMEOUT);
    assertThatThrownBy(() -> committed.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
  }

  @Test
  @DisplayName("pause(true) pauses every assigned partition, pause(false) resumes them, and polling goes on")
  void pauseResume() {
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0, P1)));
    await().atMost(Duration.ofSeconds(5)).until(() -> epochs.owned().size() == 2);

    loop.pause(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> consumer.paused().size() == 2);
    // Paused polls are short, so that the resume below is seen without waiting out a poll timeout.
    await().atMost(Duration.ofSeconds(5)).until(() -> Duration.ofMillis(5).equals(consumer.lastPollTimeout));
    loop.pause(false);

    await().atMost(Duration.ofSeconds(5)).until(() -> consumer.paused().isEmpty());
    await().atMost(Duration.ofSeconds(5)).until(() -> Duration.ofMillis(10).equals(consumer.lastPollTimeout));
  }
}

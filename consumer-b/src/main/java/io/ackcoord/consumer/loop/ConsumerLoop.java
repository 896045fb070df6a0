package io.ackcoord.consumer.loop;

import io.ackcoord.time.Clock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one door to B's group consumer. {@code KafkaConsumer} is single-threaded and blocking, so one dedicated
 * thread owns it: it polls, runs the rebalance callbacks, and runs every other call B makes ({@link #execute})
 * between two polls; results come back on B's context.
 *
 * <p>Why not vertx-kafka-client's {@code KafkaReadStream}: B must act <em>inside</em> the rebalance callbacks, before
 * the consumer rejoins (mark partitions draining, let started work finish, commit), needs the group metadata for
 * transactions (only the consumer's own thread may ask for it), and must check commits against the assignment on the
 * thread that changes it. The stream runs its callbacks later, on the event loop, after the rebalance is over, and
 * its {@code seek} drops records already fetched for every partition.
 *
 * <p>Flow control: after handing a poll's records to B the thread waits (up to one poll timeout) until B took them,
 * and polls with every partition paused while B has not, or while B asked for a pause ({@link #pause}), in short
 * polls (5 ms) so that a resume takes effect at once. So polling never stops (the group keeps B) and records never
 * pile up on the event loop. No {@code wakeup()} is ever used: a stop is seen within one poll timeout, and nothing
 * logs an expected {@code WakeupException}.
 *
 * <p>Longer than most classes on purpose: everything that touches the consumer, and the thread confinement that
 * makes that safe (polls, callbacks, commits checked against epochs, pauses, close), is in this one class, so no
 * other class can call the consumer from the wrong thread.
 */
public final class ConsumerLoop {

  /** What B does with the consumer's events. Every method runs on the consumer thread. */
  public interface Listener {

    /** One poll's records, each with the epoch of its partition. B must call {@link #taken()} once per call. */
    void records(List<Inbound> records);

    /** Partitions were assigned; their epochs are set. B restores their state before processing them. */
    void assigned(Set<TopicPartition> partitions);

    /**
     * Partitions are being revoked and are draining. May block (bounded) while started work finishes; returns the
     * positions to commit for them before they go, or an empty map.
     */
    Map<TopicPartition, OffsetAndMetadata> revoking(Set<TopicPartition> partitions);

    /** Partitions are gone: revoked after {@link #revoking}, or lost (another B may own them already). */
    void gone(Set<TopicPartition> partitions, boolean lost);

    /** A poll failed; the loop polls again after one poll timeout. */
    void pollFailed(RuntimeException error);
  }

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
  /** B's transaction.timeout.ms: the longest a previous owner's transaction can keep its offsets pending. */
  private static final Duration STABLE_POSITION_TIMEOUT = Duration.ofSeconds(30);
  /**
   * Bound on one offset commit. A commit the coordinator does not answer fails, and B commits again later; Kafka's
   * default (60 s) would hold the poll thread, and with it B's stop, that long while the broker is gone.
   */
  static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration PAUSED_POLL = Duration.ofMillis(5);

  private final Consumer<String, byte[]> consumer;
  private final Context context;
  private final PartitionEpochs epochs;
  private final Lease lease;
  private final Clock clock;
  private final Duration pollTimeout;
  /** The poll while every partition is paused: it only keeps the group alive and runs callbacks. */
  private final Duration pausedPollTimeout;
  private final Duration closeTimeout;
  private final String name;
  private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  /** Commits sent and not answered, oldest first. Consumer thread only. */
  private final ArrayDeque<PendingCommit> pendingCommits = new ArrayDeque<>();
  private final Semaphore taken = new Semaphore(0);
  private final Promise<Void> closed = Promise.promise();
  private Listener listener;
  private volatile boolean closing;
  private volatile boolean stopped;
  private volatile boolean paused;
  private volatile ConsumerGroupMetadata groupMetadata;
  /** Consumer thread only. */
  private long pollStartedAt;
  private boolean awaitingB;

  /**
   * @param consumer     the consumer this loop owns from now on; closed by the loop
   * @param context      B's context: task results and {@link #close()} complete on it
   * @param epochs       updated here, in the rebalance callbacks
   * @param lease        confirmed here, by joins and commits
   * @param pollTimeout  longest poll; also how long a task or a stop waits for a running poll
   * @param closeTimeout bound on closing the consumer (leaving the group, committing in the last revocation)
   */
  public ConsumerLoop(Consumer<String, byte[]> consumer, Context context, PartitionEpochs epochs, Lease lease,
      Clock clock, Duration pollTimeout, Duration closeTimeout, String name) {
    this.consumer = consumer;
    this.context = context;
    this.epochs = epochs;
    this.lease = lease;
    this.clock = clock;
    this.pollTimeout = pollTimeout;
    this.pausedPollTimeout = pollTimeout.compareTo(PAUSED_POLL) < 0 ? pollTimeout : PAUSED_POLL;
    this.closeTimeout = closeTimeout;
    this.name = name;
  }

  /** Starts the thread and subscribes; completes once subscribed. */
  public Future<Void> start(Collection<String> topics, Listener listener) {
    this.listener = listener;
    Future<Void> subscribed = execute(c -> {
      c.subscribe(topics, new Callbacks());
      return null;
    });
    Thread thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
    return subscribed;
  }

  /**
   * Runs {@code task} on the consumer thread between two polls (within one poll timeout); the Future completes on
   * B's context. Fails if the loop is closed.
   */
  <T> Future<T> execute(Function<Consumer<String, byte[]>, T> task) {
    Promise<T> promise = Promise.promise();
    enqueue(() -> {
      try {
        T result = task.apply(consumer);
        context.runOnContext(v -> promise.complete(result));
      } catch (RuntimeException e) {
        context.runOnContext(v -> promise.fail(e));
      }
    }, promise);
    return promise.future();
  }

  private void enqueue(Runnable run, Promise<?> promise) {
    tasks.add(run);
    // Closed meanwhile: fail it here unless the closing thread already took it (and ran it against the closed
    // consumer, which fails it too).
    if (stopped && tasks.remove(run)) {
      promise.fail(new IllegalStateException(name + " is closed"));
    }
  }

  /**
   * Commits {@code offsets}, each only if its partition is still owned under the epoch it was read with (checked on
   * the thread that changes ownership, so no rebalance can slip in between), and renews the lease when the group
   * coordinator accepts it. The commit does not hold the poll: the Future completes with what was committed once the
   * coordinator answered, or fails without an answer within {@link #COMMIT_TIMEOUT}.
   *
   * @param readEpochs the epoch each partition's position was computed under
   */
  public Future<Map<TopicPartition, OffsetAndMetadata>> commit(Map<TopicPartition, OffsetAndMetadata> offsets,
      Map<TopicPartition, Long> readEpochs) {
    Promise<Map<TopicPartition, OffsetAndMetadata>> promise = Promise.promise();
    enqueue(() -> {
      try {
        commitOwnedAsync(offsets, readEpochs, promise);
      } catch (RuntimeException e) {
        context.runOnContext(v -> promise.tryFail(e));
      }
    }, promise);
    return promise.future();
  }

  /** Pauses (or resumes) fetching of every assigned partition; polling goes on either way. Any thread. */
  public void pause(boolean pause) {
    this.paused = pause;
  }

  /** B took the records of the last {@link Listener#records} call. Any thread. */
  public void taken() {
    taken.release();
  }

  /** The group metadata as of the last poll or rebalance callback, for transactional offset commits. */
  public ConsumerGroupMetadata groupMetadata() {
    return groupMetadata;
  }

  /**
   * Stops polling and closes the consumer (which revokes its partitions through {@link Listener#revoking} unless it
   * is a static member); completes on B's context when it is closed.
   */
  public Future<Void> close() {
    closing = true;
    return closed.future();
  }

  private void run() {
    try {
      while (!closing) {
        expireCommits(false);
        runTasks();
        if (awaitingB) {
          // Hand-over to the event loop normally takes microseconds; past one poll timeout, poll paused meanwhile.
          awaitingB = !taken.tryAcquire(pollTimeout.toMillis(), TimeUnit.MILLISECONDS);
          runTasks();
        }
        boolean pause = paused || awaitingB;
        applyPause(pause);
        // A paused poll returns nothing; keep it short so that a resume (or a queued commit) waits milliseconds,
        // not a whole poll timeout.
        pollOnce(pause ? pausedPollTimeout : pollTimeout);
      }
    } catch (InterruptedException | InterruptException e) {
      LOG.debug("{} interrupted, closing", name);
    } finally {
      closeConsumer();
    }
  }

  private void pollOnce(Duration timeout) throws InterruptedException {
    pollStartedAt = clock.monotonicMillis();
    ConsumerRecords<String, byte[]> records;
    try {
      records = consumer.poll(timeout);
    } catch (WakeupException e) {
      return; // never requested by B; nothing to do
    } catch (InterruptException e) {
      throw e;
    } catch (KafkaException | IllegalStateException e) {
      listener.pollFailed(e);
      // Poll again after one timeout, running tasks meanwhile (a failed poll can return at once).
      Runnable task = tasks.poll(pollTimeout.toMillis(), TimeUnit.MILLISECONDS);
      if (task != null) {
        task.run();
      }
      return;
    }
    groupMetadata = consumer.groupMetadata();
    if (records.isEmpty()) {
      return;
    }
    List<Inbound> batch = new ArrayList<>(records.count());
    Map<TopicPartition, Long> current = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      Inbound inbound = Inbound.of(record, 0);
      long epoch = current.computeIfAbsent(inbound.partition(), epochs::current);
      batch.add(new Inbound(record, inbound.partition(), epoch));
    }
    awaitingB = true;
    listener.records(batch);
  }

  private void applyPause(boolean pause) {
    Set<TopicPartition> assignment = consumer.assignment();
    if (pause) {
      Set<TopicPartition> toPause = new HashSet<>(assignment);
      toPause.removeAll(consumer.paused());
      if (!toPause.isEmpty()) {
        consumer.pause(toPause);
      }
    } else {
      Set<TopicPartition> toResume = consumer.paused();
      if (!toResume.isEmpty()) {
        consumer.resume(toResume);
      }
    }
  }

  private void runTasks() {
    for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
      task.run();
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> owned(Map<TopicPartition, OffsetAndMetadata> offsets,
      Map<TopicPartition, Long> readEpochs) {
    Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>();
    offsets.forEach((tp, position) -> {
      Long epoch = readEpochs.get(tp);
      if (epoch != null && epochs.isCurrent(tp, epoch)) {
        owned.put(tp, position);
      }
    });
    return owned;
  }

  /** In a revocation: the commit must land before the partitions go, so it waits. */
  private void commitOwnedSync(Map<TopicPartition, OffsetAndMetadata> offsets, Map<TopicPartition, Long> readEpochs) {
    Map<TopicPartition, OffsetAndMetadata> owned = owned(offsets, readEpochs);
    if (!owned.isEmpty()) {
      long sentAt = clock.monotonicMillis();
      consumer.commitSync(owned, COMMIT_TIMEOUT);
      lease.confirmed(sentAt);
    }
  }

  /**
   * Between polls: the commit goes out and the thread polls on while the coordinator answers, so fetching never
   * waits for a commit (a synchronous one held the poll for a round trip, tens of ms on a loaded broker, up to 150
   * times a second). The ownership check happens here, on the thread that changes ownership; the request carries
   * the group generation of this moment, so a rebalance after it makes the coordinator refuse it. The answer comes
   * in a later poll; without one within {@link #COMMIT_TIMEOUT} the commit fails (B commits again later).
   */
  private void commitOwnedAsync(Map<TopicPartition, OffsetAndMetadata> offsets, Map<TopicPartition, Long> readEpochs,
      Promise<Map<TopicPartition, OffsetAndMetadata>> promise) {
    Map<TopicPartition, OffsetAndMetadata> owned = owned(offsets, readEpochs);
    if (owned.isEmpty()) {
      context.runOnContext(v -> promise.tryComplete(owned));
      return;
    }
    long sentAt = clock.monotonicMillis();
    PendingCommit pending = new PendingCommit(sentAt, promise);
    pendingCommits.add(pending);
    try {
      consumer.commitAsync(owned, (committed, error) -> {
        pendingCommits.remove(pending);
        if (error == null) {
          lease.confirmed(sentAt);
          context.runOnContext(v -> promise.tryComplete(owned));
        } else {
          context.runOnContext(v -> promise.tryFail(error));
        }
      });
    } catch (RuntimeException e) {
      pendingCommits.remove(pending);
      throw e;
    }
  }

  /** Fails the commits the coordinator has not answered within {@link #COMMIT_TIMEOUT}, or all of them. */
  private void expireCommits(boolean all) {
    long now = clock.monotonicMillis();
    for (PendingCommit p = pendingCommits.peek(); p != null; p = pendingCommits.peek()) {
      if (!all && now - p.sentAt < COMMIT_TIMEOUT.toMillis()) {
        return;
      }
      PendingCommit expired = pendingCommits.poll();
      Exception error = all ? new IllegalStateException(name + " is closed")
          : new TimeoutException("commit not answered within " + COMMIT_TIMEOUT);
      context.runOnContext(v -> expired.promise.tryFail(error));
    }
  }

  /** A commit sent and not answered yet. Consumer thread only. */
  private record PendingCommit(long sentAt, Promise<Map<TopicPartition, OffsetAndMetadata>> promise) {
  }

  private void closeConsumer() {
    try {
      // Commits B queued before it asked to close still go out.
      runTasks();
      consumer.close(CloseOptions.timeout(closeTimeout));
    } catch (RuntimeException e) {
      LOG.debug("{}: closing the consumer: {}", name, e.toString());
    } finally {
      stopped = true;
      failPendingTasks();
      // close() waits for the answers to commits in flight; any still unanswered failed with it.
      expireCommits(true);
      context.runOnContext(v -> closed.tryComplete());
    }
  }

  private void failPendingTasks() {
    for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
      // Each task reports its own outcome; run against a closed consumer it fails with IllegalStateException.
      task.run();
    }
  }

  /** The rebalance callbacks, run by the consumer on this thread inside poll (or close). */
  private final class Callbacks implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      groupMetadata = consumer.groupMetadata();
      // A completed join: the coordinator counted us a member during this poll.
      lease.confirmed(pollStartedAt);
      if (partitions.isEmpty()) {
        return;
      }
      epochs.assign(partitions);
      awaitStablePositions(partitions);
      listener.assigned(Set.copyOf(partitions));
    }

    /**
     * Fetches the starting positions before B restores anything for the partitions. A read_committed consumer's
     * position fetch waits while a previous owner's transaction that carries offsets for them is still open
     * (KIP-447). That matters for a zombie: a B frozen after Kafka accepted its transaction's offsets, but before it
     * sent the records and committed, commits them when it wakes up — markers and effects that a restore started
     * earlier would miss, so re-sends of those ids would be processed again. Waiting here puts them before the
     * restore's end. Normally this is the one round trip the first fetch would make anyway.
     */
    private void awaitStablePositions(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        try {
          consumer.position(tp, STABLE_POSITION_TIMEOUT);
        } catch (InterruptException e) {
          throw e;
        } catch (KafkaException | IllegalStateException e) {
          LOG.warn("{}: no stable position for {} within {} (an open transaction of its previous owner?): {}; "
              + "restoring anyway", name, tp, STABLE_POSITION_TIMEOUT, e.toString());
        }
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      groupMetadata = consumer.groupMetadata();
      Set<TopicPartition> revoked = Set.copyOf(partitions);
      epochs.drain(revoked);
      try {
        Map<TopicPartition, OffsetAndMetadata> positions = listener.revoking(revoked);
        Map<TopicPartition, Long> readEpochs = new HashMap<>();
        positions.keySet().forEach(tp -> readEpochs.put(tp, epochs.current(tp)));
        commitOwnedSync(positions, readEpochs);
      } catch (RuntimeException e) {
        // The next owner starts from the last commit; dedupe absorbs what is read again.
        LOG.warn("Committing revoked partitions {} failed: {}", revoked, e.toString());
      } finally {
        epochs.remove(revoked);
        listener.gone(revoked, false);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      groupMetadata = consumer.groupMetadata();
      Set<TopicPartition> lost = Set.copyOf(partitions);
      // Another B may own them already: no draining, no commit.
      epochs.remove(lost);
      listener.gone(lost, true);
    }
  }
}

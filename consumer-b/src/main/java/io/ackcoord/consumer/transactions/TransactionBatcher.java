package io.ackcoord.consumer.transactions;

import io.ackcoord.consumer.OwnershipLostException;
import io.ackcoord.consumer.kafka.Backoff;
import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.consumer.loop.Lease;
import io.ackcoord.consumer.loop.PartitionEpochs;
import io.ackcoord.consumer.offsets.OffsetTracker;
import io.ackcoord.consumer.status.ConsumerStats;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once B7 Commit (with B6 Settle): groups finished records into Kafka transactions. A record is staged with
 * everything it owes ({@link Owed}: its effects, marker, reply, or poison copy); a transaction takes every staged
 * record once {@code maxRecords} are staged, or {@code maxMillis} after the first of them when no transaction is
 * being committed, or at once when the one before commits (records staged meanwhile have waited for it already:
 * group commit, so batches grow with load and a lightly loaded B commits within a few ms), writes their records, adds
 * the consumer positions that became safe ({@code sendOffsetsToTransaction} with the group metadata, so a B of an old
 * group generation is refused; a partition of its records whose position did not advance repeats the one handed out
 * before, so no transaction with records goes unchecked), and commits. The markers and replies of a transaction's
 * records are gathered into a few records ({@link TransactionRecords}) when it is written, so a retry without some
 * records writes only the others'. One transaction at a time; records staged meanwhile wait for the next.
 *
 * <p>Guarantee: a staged record's Future completes only once its transaction committed; then its output and the
 * positions it made safe became visible together. A transaction that fails is aborted and retried with backoff,
 * minus the records whose partition moved to another B since (their Futures fail with
 * {@link OwnershipLostException}; the new owner redoes them). If this B is fenced (another producer with its
 * transactional.id), everything pending fails and {@code onFenced} runs: B must stand down. Event-loop confined.
 *
 * <p>Longer than most classes on purpose: staging, the batch trigger, writing one transaction, retrying it without
 * the records of moved partitions and standing down when fenced are one state machine over the same staged records;
 * split, each part would need the others' state.
 */
public final class TransactionBatcher {

  private static final Logger LOG = LoggerFactory.getLogger(TransactionBatcher.class);

  /** One record's share of a transaction. */
  private record Staged(Inbound in, Owed owed, Promise<Void> done) {
  }

  /** A transaction being written (or retried). */
  private static final class Batch {
    List<Staged> items;
    final Map<TopicPartition, OffsetAndMetadata> positions;
    final Map<TopicPartition, Long> epochs;
    final Promise<Void> committed = Promise.promise();
    int attempt;

    Batch(List<Staged> items, Map<TopicPartition, OffsetAndMetadata> positions, Map<TopicPartition, Long> epochs) {
      this.items = items;
      this.positions = positions;
      this.epochs = epochs;
    }
  }

  private final Vertx vertx;
  private final TransactionalProducer producer;
  private final OffsetTracker offsets;
  private final PartitionEpochs epochs;
  private final Lease lease;
  private final Supplier<ConsumerGroupMetadata> group;
  private final int maxRecords;
  private final long maxMillis;
  private final Backoff backoff;
  private final ConsumerStats stats;
  private final Consumer<Throwable> onFenced;
  private final Function<List<Owed>, List<ProducerRecord<String, byte[]>>> toRecords;

  private List<Staged> pending = new ArrayList<>();
  private Batch inFlight;
  private long timer = -1;
  private boolean due;
  private boolean closed;
  private Throwable fenced;

  /**
   * @param group    the consumer's current group metadata (generation, member id)
   * @param onFenced  called once when the producer is fenced
   * @param toRecords a transaction's records from what its staged records owe ({@link TransactionRecords})
   */
  public TransactionBatcher(Vertx vertx, TransactionalProducer producer, OffsetTracker offsets, PartitionEpochs epochs,
      Lease lease, Supplier<ConsumerGroupMetadata> group, int maxRecords, long maxMillis, Backoff backoff,
      ConsumerStats stats, Consumer<Throwable> onFenced,
      Function<List<Owed>, List<ProducerRecord<String, byte[]>>> toRecords) {
    this.vertx = vertx;
    this.producer = producer;
    this.offsets = offsets;
    this.epochs = epochs;
    this.lease = lease;
    this.group = group;
    this.maxRecords = maxRecords;
    this.maxMillis = maxMillis;
    this.backoff = backoff;
    this.stats = stats;
    this.onFenced = onFenced;
    this.toRecords = toRecords;
  }

  /** Stages a finished record that owes only {@code records}, written in this order. */
  public Future<Void> stage(Inbound in, List<ProducerRecord<String, byte[]>> records) {
    return stage(in, Owed.records(records));
  }

  /** Stages a finished record and what it owes; completes once a transaction with them committed. */
  public Future<Void> stage(Inbound in, Owed owed) {
    if (fenced != null) {
      return Future.failedFuture(new IllegalStateException("fenced", fenced));
    }
    if (closed) {
      return Future.failedFuture(new IllegalStateException("B is stopping"));
    }
    Staged staged = new Staged(in, owed, Promise.promise());
    pending.add(staged);
    if (pending.size() >= maxRecords) {
      due = true;
      next();
    } else if (inFlight == null) {
      armTimer();
    }
    return staged.done().future();
  }

  /**
   * Commits everything staged so far without waiting for the batch to fill; completes when each of those records
   * is committed or failed (their own Futures say which).
   */
  public Future<Void> flush() {
    List<Future<Void>> waits = new ArrayList<>();
    if (inFlight != null) {
      inFlight.items.forEach(s -> waits.add(s.done().future()));
    }
    pending.forEach(s -> waits.add(s.done().future()));
    if (!pending.isEmpty()) {
      due = true;
      next();
    }
    return Future.join(waits).transform(ar -> Future.succeededFuture());
  }

  /**
   * Renews the lease: the transactions under way confirm B's group generation when their offsets are accepted; with
   * nothing under way, a transaction of only the current positions does.
   */
  public Future<Void> renew() {
    if (inFlight != null || !pending.isEmpty()) {
      return flush();
    }
    Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
    offsets.positions().forEach((tp, position) -> {
      if (epochs.isCurrent(tp, offsets.epoch(tp))) {
        positions.put(tp, position);
      }
    });
    if (positions.isEmpty() || fenced != null) {
      return Future.failedFuture(new IllegalStateException("no position to commit"));
    }
    // Kept locally: the write may complete (and clear inFlight) before it returns.
    Batch renewal = new Batch(new ArrayList<>(), positions, epochsOf(positions));
    inFlight = renewal;
    write(renewal);
    return renewal.committed.future().onSuccess(v -> stats.leaseRenewals.incrementAndGet());
  }

  /** Drops staged records of partitions that are gone; their Futures fail. */
  public void forget(Set<TopicPartition> partitions) {
    List<Staged> keep = new ArrayList<>();
    for (Staged s : pending) {
      if (partitions.contains(s.in().partition())) {
        s.done().tryFail(lost(s.in()));
      } else {
        keep.add(s);
      }
    }
    pending = keep;
  }

  /** Accepts no more records; a last {@link #flush()} commits what is staged. */
  public void close() {
    closed = true;
  }

  private void next() {
    if (inFlight != null || fenced != null || !due) {
      return;
    }
    due = false;
    cancelTimer();
    List<Staged> items = owned(pending);
    pending = new ArrayList<>();
    // Every staged record counts as finished; positions cover only records with nothing unfinished below them.
    Set<TopicPartition> touched = new HashSet<>();
    for (Staged s : items) {
      offsets.complete(s.in().partition(), s.in().offset());
      touched.add(s.in().partition());
    }
    Map<TopicPartition, OffsetAndMetadata> positions = offsets.drainCommittable(touched);
    // A partition whose position did not advance (a record below is still running) repeats the position handed out
    // before: the broker checks the group generation only on the offsets a transaction carries, so a transaction
    // of records without them would commit even from a zombie.
    for (TopicPartition tp : touched) {
      if (!positions.containsKey(tp)) {
        offsets.handedOut(tp).ifPresent(position -> positions.put(tp, new OffsetAndMetadata(position)));
      }
    }
    if (items.isEmpty() && positions.isEmpty()) {
      return;
    }
    inFlight = new Batch(items, positions, epochsOf(positions));
    write(inFlight);
  }

  private void write(Batch batch) {
    batch.attempt++;
    // The generation first, then ownership. The consumer thread removes a lost partition's epoch before it joins
    // the group again, so a generation read here that is newer than the records' implies their removal is visible
    // below. Checked the other way round, a record of a lost partition could pass and then ride on the new
    // generation, which the broker accepts: a zombie's work committed.
    ConsumerGroupMetadata generation = group.get();
    batch.items = owned(batch.items);
    batch.positions.keySet().removeIf(tp -> !epochs.isCurrent(tp, batch.epochs.get(tp)));
    // Every record rides with an offset of its partition, so the broker checks the generation for it.
    batch.items = fenceable(batch.items, batch.positions);
    if (batch.items.isEmpty() && batch.positions.isEmpty()) {
      batch.committed.tryComplete();
      finished();
      return;
    }
    if (generation == null || generation.generationId() < 0) {
      // No generation (between losing membership and joining again): the broker would take such offsets without
      // checking membership at all. Wait; the rebalance callbacks will have dropped what is no longer ours.
      retry(batch, new IllegalStateException("not a member of the group right now"));
      return;
    }
    List<Owed> owed = new ArrayList<>(batch.items.size());
    batch.items.forEach(s -> owed.add(s.owed()));
    List<ProducerRecord<String, byte[]>> records = toRecords.apply(owed);
    producer.commit(records, batch.positions, generation).onComplete(ar -> {
      if (ar.succeeded()) {
        if (ar.result() >= 0) {
          lease.confirmed(ar.result());
        }
        stats.transactions.incrementAndGet();
        batch.items.forEach(s -> s.done().tryComplete());
        batch.committed.tryComplete();
        finished();
      } else if (ar.cause() instanceof TransactionalProducer.Fenced) {
        fence(ar.cause());
      } else {
        retry(batch, ar.cause());
      }
    });
  }

  private void retry(Batch batch, Throwable cause) {
    stats.transactionAborts.incrementAndGet();
    long delay = backoff.delayMillis(batch.attempt);
    LOG.warn("Transaction of {} records aborted (try {}), retrying in {} ms: {}", batch.items.size(),
        batch.attempt, delay, cause.toString());
    vertx.setTimer(delay, id -> {
      if (fenced == null) {
        write(batch);
      }
    });
  }

  private void finished() {
    inFlight = null;
    // What was staged meanwhile waited for this commit: it goes next, without a further wait.
    if (!pending.isEmpty()) {
      due = true;
    }
    if (due) {
      next();
    }
  }

  private void armTimer() {
    if (timer >= 0) {
      return;
    }
    timer = vertx.setTimer(maxMillis, id -> {
      timer = -1;
      due = true;
      next();
    });
  }

  private void fence(Throwable cause) {
    fenced = cause;
    cancelTimer();
    LOG.error("This B's transactional producer was fenced: another B runs with the same consumer.instance.id. "
        + "This B stands down. ({})", cause.getMessage());
    if (inFlight != null) {
      inFlight.items.forEach(s -> s.done().tryFail(cause));
      inFlight.committed.tryFail(cause);
      inFlight = null;
    }
    pending.forEach(s -> s.done().tryFail(cause));
    pending = new ArrayList<>();
    onFenced.accept(cause);
  }

  private Map<TopicPartition, Long> epochsOf(Map<TopicPartition, OffsetAndMetadata> positions) {
    Map<TopicPartition, Long> readEpochs = new HashMap<>();
    positions.keySet().forEach(tp -> readEpochs.put(tp, offsets.epoch(tp)));
    return readEpochs;
  }

  /** The items whose partition has a position in the transaction; the others (none, normally) fail. */
  private List<Staged> fenceable(List<Staged> items, Map<TopicPartition, OffsetAndMetadata> positions) {
    List<Staged> kept = new ArrayList<>(items.size());
    for (Staged s : items) {
      if (positions.containsKey(s.in().partition())) {
        kept.add(s);
      } else {
        LOG.error("No position of {} to send with {}: not written, so that no transaction goes unchecked",
            s.in().partition(), s.in());
        s.done().tryFail(lost(s.in()));
      }
    }
    return kept;
  }

  /** The items whose partition is still owned under the epoch they were read with; the others fail. */
  private List<Staged> owned(List<Staged> items) {
    List<Staged> kept = new ArrayList<>(items.size());
    for (Staged s : items) {
      if (epochs.isCurrent(s.in().partition(), s.in().epoch())) {
        kept.add(s);
      } else {
        s.done().tryFail(lost(s.in()));
      }
    }
    return kept;
  }

  private void cancelTimer() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private static OwnershipLostException lost(Inbound in) {
    return new OwnershipLostException("this B no longer owns " + in.partition() + "; the transaction leaves "
        + in + " to the new owner");
  }
}

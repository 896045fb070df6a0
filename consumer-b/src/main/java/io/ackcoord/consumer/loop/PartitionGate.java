package io.ackcoord.consumer.loop;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;

/**
 * B2 Gate: holds back the records of a partition until its state is restored, and counts, per partition, the
 * records whose processing has started, so a revocation can wait for them.
 *
 * <p>A partition is assigned <em>closed</em>; records that arrive meanwhile queue up in order. {@link #open} lets
 * them through and everything after. Records are only ever started for the epoch the partition was opened with; a
 * partition that is {@link #forget forgotten} drops its queue (those records were never started: the next owner
 * reads them). Event-loop confined.
 */
public final class PartitionGate {

  private static final class Partition {
    final long epoch;
    final Queue<Inbound> queued = new ArrayDeque<>();
    boolean open;
    boolean draining;
    int active;
    Promise<Void> idle;

    Partition(long epoch) {
      this.epoch = epoch;
    }
  }

  private final Vertx vertx;
  private final Function<Inbound, Future<Void>> process;
  private final BiConsumer<Inbound, AsyncResult<Void>> finished;
  private final Map<TopicPartition, Partition> partitions = new HashMap<>();

  /**
   * @param process  runs one record; its Future completes when the record is done
   * @param finished told about every record that was started, once it completed
   */
  public PartitionGate(Vertx vertx, Function<Inbound, Future<Void>> process,
      BiConsumer<Inbound, AsyncResult<Void>> finished) {
    this.vertx = vertx;
    this.process = process;
    this.finished = finished;
  }

  /** The partition was assigned under {@code epoch}: closed until {@link #open}. */
  public void assigned(TopicPartition tp, long epoch) {
    partitions.put(tp, new Partition(epoch));
  }

  /** The partition's state is restored: its queued records start, in order, and so will later ones. */
  public void open(TopicPartition tp, long epoch) {
    Partition p = partitions.get(tp);
    if (p == null || p.epoch != epoch || p.open) {
      return;
    }
    p.open = true;
    while (!p.queued.isEmpty() && !p.draining) {
      start(tp, p, p.queued.poll());
    }
  }

  /** Whether {@code tp} is owned here and open: its state is restored and its records start as they come. */
  public boolean isOpen(TopicPartition tp) {
    Partition p = partitions.get(tp);
    return p != null && p.open && !p.draining;
  }

  /**
   * Starts {@code in} now, queues it until its partition opens, or refuses it.
   *
   * @return false if the record's partition is not owned under its epoch here, or is draining: it will not run
   */
  public boolean offer(Inbound in) {
    Partition p = partitions.get(in.partition());
    if (p == null || p.epoch != in.epoch() || p.draining) {
      return false;
    }
    if (p.open) {
      start(in.partition(), p, in);
    } else {
      p.queued.add(in);
    }
    return true;
  }

  /**
   * The partitions are being revoked: nothing more starts, the queued records are dropped.
   *
   * @return how many queued records were dropped
   */
  public int drain(Set<TopicPartition> tps) {
    int dropped = 0;
    for (TopicPartition tp : tps) {
      Partition p = partitions.get(tp);
      if (p != null) {
        p.draining = true;
        dropped += p.queued.size();
        p.queued.clear();
      }
    }
    return dropped;
  }

  /** Completes when no started record of {@code tps} is running, or after {@code timeoutMillis}. */
  public Future<Void> whenIdle(Set<TopicPartition> tps, long timeoutMillis) {
    Future<?>[] waits = tps.stream()
        .map(partitions::get)
        .filter(p -> p != null && p.active > 0)
        .map(p -> {
          if (p.idle == null) {
            p.idle = Promise.promise();
          }
          return p.idle.future();
        })
        .toArray(Future[]::new);
    if (waits.length == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, timeoutMillis), id -> done.tryComplete());
    Future.join(List.of(waits)).onComplete(ar -> {
      vertx.cancelTimer(timer);
      done.tryComplete();
    });
    return done.future();
  }

  /**
   * The partitions are gone: their state is dropped (records still running finish unseen by it).
   *
   * @return how many queued records were dropped
   */
  public int forget(Set<TopicPartition> tps) {
    int dropped = 0;
    for (TopicPartition tp : tps) {
      Partition p = partitions.remove(tp);
      if (p != null) {
        dropped += p.queued.size();
        if (p.idle != null) {
          p.idle.tryComplete();
        }
      }
    }
    return dropped;
  }

  /** Records started and not finished, over all partitions. */
  int active() {
    return partitions.values().stream().mapToInt(p -> p.active).sum();
  }

  private void start(TopicPartition tp, Partition p, Inbound in) {
    p.active++;
    Future<Void> result;
    try {
      result = process.apply(in);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      // Reported first, so whoever waits for the partition to be idle finds the bookkeeping done.
      finished.accept(in, ar);
      // The partition may have been forgotten (and even re-assigned) meanwhile; only its own state is touched.
      if (partitions.get(tp) == p) {
        p.active--;
        if (p.active == 0 && p.idle != null) {
          p.idle.tryComplete();
          p.idle = null;
        }
      }
    });
  }
}

package io.ackcoord.producer.kafka;

import io.ackcoord.kafka.ContextAnswers;
import io.ackcoord.producer.coordinator.Coordinator.PayloadGoneException;
import io.ackcoord.producer.ledger.Position;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Reads payloads back from topic 1 by position, for re-sends and dead letters, the way kmq's redelivery re-reads its
 * queue topic: A keeps a message's position, not its bytes, once a send is confirmed.
 *
 * <p>One consumer without a group, on a thread of its own (a poll blocks; never on the event loop). Requests made
 * while it reads are gathered, and each partition is read from the lowest offset wanted, in order: a backlog of
 * re-sends (B down, every timer firing) mostly asks for neighbouring records, which one fetch returns together. A
 * gap of more than {@value #SEEK_GAP} records is skipped with a seek. Answers come back on A's context, those of
 * one poll as one task.
 *
 * <p>A record that is no longer there (below the partition's start, deleted by retention), an offset that is not a
 * record (compacted away, a transaction marker) or a record of another message fails the read with
 * {@link PayloadGoneException}; a read not answered within {@code timeout} fails with a {@link TimeoutException},
 * which the caller retries.
 */
public final class PayloadReader {

  /** Records read through rather than seeked past: about one fetch of small records. */
  static final int SEEK_GAP = 500;

  private static final Duration POLL = Duration.ofMillis(100);

  private final Supplier<Consumer<String, byte[]>> factory;
  private final String topic;
  private final long timeoutMillis;
  private final ContextAnswers answers;
  private final ExecutorService thread;
  private final Queue<Request> incoming = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private volatile boolean closed;
  // Reader thread only, from here on.
  private Consumer<String, byte[]> consumer;
  private final Map<Integer, TreeMap<Long, List<Request>>> wanted = new HashMap<>();
  private final Map<Integer, Long> cursor = new HashMap<>();
  private final Set<TopicPartition> assigned = new HashSet<>();

  private record Request(String id, Position at, Promise<byte[]> promise, long deadlineNanos) {
  }

  /**
   * @param factory       makes the consumer, on the reader's thread (a consumer's construction blocks)
   * @param topic         topic 1
   * @param context       where answers complete
   * @param timeoutMillis how long a read may take before it fails (retryably)
   * @param name          names the reader's thread
   */
  public PayloadReader(Supplier<Consumer<String, byte[]>> factory, String topic, Context context,
      long timeoutMillis, String name) {
    this.factory = factory;
    this.topic = topic;
    this.timeoutMillis = timeoutMillis;
    this.answers = new ContextAnswers(context);
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ackcoord-payloads-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  /** The payload of message {@code id}, from its record at {@code at}. Any thread; completes on the context. */
  public Future<byte[]> read(String id, Position at) {
    Promise<byte[]> promise = Promise.promise();
    if (closed) {
      promise.fail(new IllegalStateException("the payload reader is closed"));
      return promise.future();
    }
    incoming.add(new Request(id, at, promise, System.nanoTime() + timeoutMillis * 1_000_000));
    scheduleDrain();
    return promise.future();
  }

  // One drain task at a time; once the reader's thread is shut down, what waits fails.
  private void scheduleDrain() {
    if (draining.compareAndSet(false, true)) {
      try {
        thread.execute(this::drain);
      } catch (RejectedExecutionException e) {
        draining.set(false);
        failIncoming(new IllegalStateException("the payload reader is closed"));
      }
    }
  }

  /** Stops reading; reads not answered yet fail. */
  public Future<Void> close() {
    closed = true;
    Promise<Void> done = Promise.promise();
    Consumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.execute(() -> {
        try {
          if (consumer != null) {
            consumer.close(Duration.ZERO);
          }
        } finally {
          failAll(new IllegalStateException("the payload reader is closed"));
          done.complete();
        }
      });
    } catch (RejectedExecutionException e) {
      done.complete();
    }
    thread.shutdown();
    return done.future();
  }

  // Reader thread: reads until nothing is wanted, then leaves the thread idle until the next request.
  private void drain() {
    try {
      if (consumer == null) {
        consumer = factory.get();
      }
      take();
      while (!wanted.isEmpty() && !closed) {
        readOnce();
        expire();
        take();
      }
    } catch (WakeupException e) {
      // close() is under way.
    } catch (RuntimeException e) {
      // The consumer failed as a whole (authorization, a closed client): every read in hand fails, retryably.
      failWanted(e);
    } finally {
      draining.set(false);
      // A request may have come after the last take() and before the flag was cleared.
      if (!incoming.isEmpty() && !closed) {
        scheduleDrain();
      }
    }
  }

  private void take() {
    for (Request r = incoming.poll(); r != null; r = incoming.poll()) {
      wanted.computeIfAbsent(r.at().partition(), p -> new TreeMap<>())
          .computeIfAbsent(r.at().offset(), o -> new ArrayList<>(1)).add(r);
    }
  }

  private void readOnce() {
    assign();
    for (Map.Entry<Integer, TreeMap<Long, List<Request>>> e : wanted.entrySet()) {
      long next = e.getValue().firstKey();
      Long at = cursor.get(e.getKey());
      if (at == null || at > next || next - at > SEEK_GAP) {
        consumer.seek(new TopicPartition(topic, e.getKey()), next);
        cursor.put(e.getKey(), next);
      }
    }
    try {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
        found(r);
      }
    } catch (OffsetOutOfRangeException e) {
      outOfRange(e.partitions());
    }
  }

  private void assign() {
    Set<TopicPartition> now = new HashSet<>();
    wanted.keySet().forEach(p -> now.add(new TopicPartition(topic, p)));
    if (!now.equals(assigned)) {
      consumer.assign(now);
      assigned.clear();
      assigned.addAll(now);
      cursor.keySet().retainAll(wanted.keySet());
    }
  }

  private void found(ConsumerRecord<String, byte[]> r) {
    TreeMap<Long, List<Request>> inPartition = wanted.get(r.partition());
    cursor.put(r.partition(), r.offset() + 1);
    if (inPartition == null) {
      return;
    }
    // Offsets below this record that were wanted are not records (compacted away, a transaction marker).
    Iterator<Map.Entry<Long, List<Request>>> it = inPartition.headMap(r.offset(), true).entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, List<Request>> e = it.next();
      for (Request q : e.getValue()) {
        if (e.getKey() < r.offset()) {
          fail(q, new PayloadGoneException("no record at " + q.at() + " in " + topic));
        } else if (!q.id().equals(r.key())) {
          fail(q, new PayloadGoneException("the record at " + q.at() + " in " + topic + " is not this message's"));
        } else {
          byte[] bytes = r.value() == null ? new byte[0] : r.value();
          answers.add(() -> q.promise().tryComplete(bytes));
        }
      }
      it.remove();
    }
    if (inPartition.isEmpty()) {
      wanted.remove(r.partition());
    }
  }

  // Offsets below the partition's start were deleted, those past its end were lost with a truncated log; the others
  // are read again from where they are.
  private void outOfRange(Set<TopicPartition> partitions) {
    Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    for (TopicPartition tp : partitions) {
      cursor.remove(tp.partition());
      TreeMap<Long, List<Request>> inPartition = wanted.get(tp.partition());
      long start = starts.getOrDefault(tp, 0L);
      long end = ends.getOrDefault(tp, Long.MAX_VALUE);
      if (inPartition == null) {
        continue;
      }
      Map<Long, List<Request>> deleted = inPartition.headMap(start);
      deleted.values().forEach(list -> list.forEach(q -> fail(q, new PayloadGoneException("the record at " + q.at()
          + " was deleted from " + topic + " (the partition starts at offset " + start + " now; see its "
          + "retention.ms)"))));
      deleted.clear();
      Map<Long, List<Request>> truncated = inPartition.tailMap(end, true);
      truncated.values().forEach(list -> list.forEach(q -> fail(q, new PayloadGoneException("the record at "
          + q.at() + " is past the end of " + topic + " (offset " + end + "): the log was truncated"))));
      truncated.clear();
      if (inPartition.isEmpty()) {
        wanted.remove(tp.partition());
      }
    }
  }

  private void expire() {
    long now = System.nanoTime();
    wanted.values().removeIf(inPartition -> {
      inPartition.values().removeIf(list -> {
        list.removeIf(q -> {
          if (now - q.deadlineNanos() < 0) {
            return false;
          }
          fail(q, new TimeoutException("no answer from " + topic + " for " + q.at() + " within " + timeoutMillis
              + " ms"));
          return true;
        });
        return list.isEmpty();
      });
      return inPartition.isEmpty();
    });
  }

  private void failWanted(Throwable error) {
    wanted.values().forEach(inPartition -> inPartition.values().forEach(list -> list.forEach(q -> fail(q, error))));
    wanted.clear();
    cursor.clear();
  }

  private void failAll(Throwable error) {
    failWanted(error);
    failIncoming(error);
  }

  private void failIncoming(Throwable error) {
    for (Request r = incoming.poll(); r != null; r = incoming.poll()) {
      fail(r, error);
    }
  }

  private void fail(Request q, Throwable error) {
    answers.add(() -> q.promise().tryFail(error));
  }
}

package io.ackcoord.kafka;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;

/**
 * A Kafka producer used from one Vert.x context, batched in both directions: the records sent during one event-loop
 * turn go to the producer as one task on a thread of the sender's own, and the confirmations that arrive together
 * come back as one task on the context. Vert.x's {@code KafkaWriteStream} makes a worker task and a context task
 * for every record; at tens of thousands of records a second those hops, not Kafka, were what A and B spent their
 * time on.
 *
 * <p>{@code producer.send} runs on the sender's thread, never on the event loop: it blocks while it waits for
 * metadata or for buffer space ({@code max.block.ms}). Records reach the producer in the order {@link #send} was
 * called, so records for one partition keep their order. Futures complete on the context the sender was created
 * for. Confined to that context, except that {@link #send} may be called from any thread.
 */
public final class KafkaSender {

  private final Producer<String, byte[]> producer;
  private final Context context;
  private final ExecutorService thread;
  private final Queue<Pending> toSend = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean handOffScheduled = new AtomicBoolean();
  private final ContextAnswers answers;
  private volatile boolean closed;

  private record Pending(ProducerRecord<String, byte[]> record, Promise<RecordMetadata> promise) {
  }

  /**
   * @param producer the producer this sender owns from now on, and closes
   * @param context  where futures complete
   * @param name     names the sender's thread
   */
  public KafkaSender(Producer<String, byte[]> producer, Context context, String name) {
    this.producer = producer;
    this.context = context;
    this.answers = new ContextAnswers(context);
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ackcoord-sender-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  /** Sends one record; the Future completes when the broker confirmed it (or the producer gave up on it). */
  public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
    Promise<RecordMetadata> promise = Promise.promise();
    if (closed) {
      promise.fail(new IllegalStateException("the sender is closed"));
      return promise.future();
    }
    toSend.add(new Pending(record, promise));
    // One hand-off per turn: the records of this turn travel together.
    if (handOffScheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> handOff());
    }
    return promise.future();
  }

  /** The partitions of {@code topic}, from the producer's metadata (fetched if it has none). */
  public Future<List<PartitionInfo>> partitionsFor(String topic) {
    return onSenderThread(() -> producer.partitionsFor(topic));
  }

  /**
   * Closes the producer, waiting up to {@code timeoutMillis} for records already sent; what the broker has not
   * confirmed by then fails. Later sends fail at once.
   */
  public Future<Void> close(long timeoutMillis) {
    closed = true;
    handOff(); // whatever was sent before close still goes first
    Future<Void> done = onSenderThread(() -> {
      producer.close(Duration.ofMillis(Math.max(0, timeoutMillis)));
      return null;
    });
    return done.eventually(() -> {
      thread.shutdown();
      return Future.succeededFuture();
    });
  }

  private void handOff() {
    handOffScheduled.set(false);
    List<Pending> batch = new ArrayList<>();
    for (Pending p = toSend.poll(); p != null; p = toSend.poll()) {
      batch.add(p);
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      thread.execute(() -> batch.forEach(this::sendNow));
    } catch (RejectedExecutionException e) {
      batch.forEach(p -> p.promise().fail(new IllegalStateException("the sender is closed")));
    }
  }

  private void sendNow(Pending p) {
    try {
      producer.send(p.record(), (metadata, error) -> answer(() -> {
        if (error == null) {
          p.promise().complete(metadata);
        } else {
          p.promise().fail(error);
        }
      }));
    } catch (RuntimeException e) {
      // Serialization, a record too large, max.block.ms without metadata or buffer space, a closed producer.
      answer(() -> p.promise().fail(e));
    }
  }

  // Called on the producer's network thread: the confirmations of one produce response go back as one task.
  private void answer(Runnable completion) {
    answers.add(completion);
  }

  private <T> Future<T> onSenderThread(Callable<T> action) {
    Promise<T> promise = Promise.promise();
    try {
      thread.execute(() -> {
        try {
          T result = action.call();
          answer(() -> promise.complete(result));
        } catch (Exception e) {
          answer(() -> promise.fail(e));
        }
      });
    } catch (RejectedExecutionException e) {
      promise.fail(new IllegalStateException("the sender is closed"));
    }
    return promise.future();
  }
}

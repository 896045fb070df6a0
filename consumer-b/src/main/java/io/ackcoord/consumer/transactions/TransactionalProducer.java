package io.ackcoord.consumer.transactions;

import io.ackcoord.consumer.kafka.KafkaClients;
import io.ackcoord.kafka.KafkaSettings;
import io.ackcoord.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one door to B's transactional producer: every call runs, in order, on one worker thread of its own (the
 * calls block: {@code initTransactions}, {@code sendOffsetsToTransaction}, {@code commitTransaction}), and results
 * come back on B's context.
 *
 * <p>{@link #commit} writes one whole transaction. Failures come back as one of two kinds: {@link Fenced} (another
 * producer with this {@code transactional.id} took over: this B must stand down) or anything else (the transaction
 * was aborted, or its outcome was unknown and the producer was replaced, which aborts it: retry). A producer in a
 * state Kafka calls fatal, other than fenced, is closed and a new one initialised under the same id.
 */
public final class TransactionalProducer {

  /** Another producer with this B's transactional.id exists: this B is the zombie. */
  static final class Fenced extends RuntimeException {
    Fenced(Throwable cause) {
      super("fenced: another B initialised transactional.id with this B's id (" + cause + ")", cause);
    }
  }

  /** Creates a producer and initialises its transactions (on the door's thread). */
  interface Factory {
    Producer<String, byte[]> create();
  }

  private static final Logger LOG = LoggerFactory.getLogger(TransactionalProducer.class);
  /** Bound on closing a producer we give up on; its open transaction is aborted by the next one's init anyway. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /** commitTransaction may time out and must then be called again; beyond this, the producer is replaced. */
  private static final int COMMIT_TRIES = 3;

  private final WorkerExecutor worker;
  private final Factory factory;
  private final Clock clock;
  private Producer<String, byte[]> producer;

  private TransactionalProducer(WorkerExecutor worker, Factory factory, Clock clock) {
    this.worker = worker;
    this.factory = factory;
    this.clock = clock;
  }

  /**
   * A door over producers from {@code factory}; the first one is created and initialised before the Future
   * completes. Initialising fences (and aborts the open transaction of) an earlier producer with the same id: a B
   * restarted under the same name cleans up after itself at once.
   */
  public static Future<TransactionalProducer> start(Vertx vertx, String name, Factory factory, Clock clock) {
    // Blocking is this thread's job: allow for commitTransaction waiting out a broker restart.
    WorkerExecutor worker = vertx.createSharedWorkerExecutor(name, 1, 5, TimeUnit.MINUTES);
    TransactionalProducer door = new TransactionalProducer(worker, factory, clock);
    return worker.executeBlocking(() -> {
      door.producer = door.newProducer();
      return door;
    }, true).onFailure(err -> worker.close());
  }

  /** The factory B uses: {@link KafkaClients#newTransactionalProducer}. */
  public static Factory factory(KafkaSettings kafka, String clientId, String transactionalId) {
    return () -> KafkaClients.newTransactionalProducer(kafka, clientId, transactionalId);
  }

  /**
   * One transaction: begin, send {@code records}, add {@code offsets} for the group of {@code group}, commit.
   *
   * @return the monotonic time at which the offsets were sent (the coordinator checked B's group generation then),
   *     or -1 when there were none; fails with {@link Fenced} or with the cause of an abort
   */
  Future<Long> commit(List<ProducerRecord<String, byte[]>> records, Map<TopicPartition, OffsetAndMetadata> offsets,
      ConsumerGroupMetadata group) {
    return worker.executeBlocking(() -> commitBlocking(records, offsets, group), true);
  }

  /** Closes the producer (an open transaction is aborted by the broker) and the door's thread. */
  public Future<Void> close() {
    return worker.executeBlocking(() -> {
      if (producer != null) {
        producer.close(CLOSE_TIMEOUT);
      }
      return null;
    }, true).<Void>mapEmpty().eventually(worker::close);
  }

  private long commitBlocking(List<ProducerRecord<String, byte[]>> records,
      Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
    if (producer == null) {
      producer = newProducer();
    }
    long sentAt = -1;
    try {
      producer.beginTransaction();
      // A send's failure also fails commitTransaction; its Future need not be watched.
      records.forEach(producer::send);
      if (!offsets.isEmpty()) {
        sentAt = clock.monotonicMillis();
        producer.sendOffsetsToTransaction(offsets, group);
      }
    } catch (ProducerFencedException e) {
      throw fenced(e);
    } catch (KafkaException | IllegalStateException e) {
      abort(e);
      throw e;
    }
    commitOrReplace();
    return sentAt;
  }

  private void commitOrReplace() {
    for (int attempt = 1; ; attempt++) {
      try {
        producer.commitTransaction();
        return;
      } catch (TimeoutException e) {
        // The commit may still complete; Kafka requires calling commitTransaction again rather than aborting.
        if (attempt < COMMIT_TRIES) {
          LOG.warn("Committing a transaction timed out (try {}), trying again: {}", attempt, e.toString());
          continue;
        }
        replace(e);
        throw e;
      } catch (ProducerFencedException e) {
        throw fenced(e);
      } catch (KafkaException | IllegalStateException e) {
        abort(e);
        throw e;
      }
    }
  }

  private void abort(RuntimeException cause) {
    try {
      producer.abortTransaction();
    } catch (ProducerFencedException e) {
      throw fenced(e);
    } catch (RuntimeException e) {
      // Fatal state (or the abort itself timed out): a new producer with the same id aborts what is open.
      replace(cause);
    }
  }

  /** Gives the producer up; the next commit initialises a new one, which aborts the open transaction. */
  private void replace(RuntimeException cause) {
    LOG.warn("Replacing the transactional producer after: {}", cause.toString());
    Producer<String, byte[]> old = producer;
    producer = null;
    try {
      old.close(CLOSE_TIMEOUT);
    } catch (RuntimeException e) {
      LOG.debug("Closing the replaced producer: {}", e.toString());
    }
  }

  private Fenced fenced(ProducerFencedException e) {
    Producer<String, byte[]> old = producer;
    producer = null;
    try {
      old.close(Duration.ZERO);
    } catch (RuntimeException closeError) {
      LOG.debug("Closing the fenced producer: {}", closeError.toString());
    }
    return new Fenced(e);
  }

  private Producer<String, byte[]> newProducer() {
    Producer<String, byte[]> created = factory.create();
    try {
      created.initTransactions();
      return created;
    } catch (ProducerFencedException e) {
      created.close(Duration.ZERO);
      throw new Fenced(e);
    } catch (RuntimeException e) {
      created.close(Duration.ZERO);
      throw e;
    }
  }
}

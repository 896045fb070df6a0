package io.ackcoord.consumer;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Kafka consumer's partitions paused or fetching, as backpressure asks.
 *
 * <p>Partitions are paused in the Kafka consumer rather than by stopping the poll loop, so the consumer keeps
 * polling, and so stays in its group past {@code max.poll.interval.ms}, however long slow handlers keep B at its
 * limit. Records of a poll already in hand are still delivered: the limit is soft by about one poll. Pausing reads
 * the assignment and then pauses it, two steps a rebalance can fall between; a failed step is retried, and a
 * partition assigned while paused is paused too. Event-loop confined.
 */
final class PartitionPauser {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionPauser.class);
  private static final long RETRY_MS = 100;

  private final Vertx vertx;
  private final KafkaReadStream<?, ?> consumer;
  private boolean paused;
  private boolean applying;
  private boolean stale;
  private boolean closed;

  PartitionPauser(Vertx vertx, KafkaReadStream<?, ?> consumer) {
    this.vertx = vertx;
    this.consumer = consumer;
  }

  /** Pauses every assigned partition, or resumes every paused one. */
  void set(boolean pause) {
    if (pause != paused) {
      paused = pause;
      apply();
    }
  }

  /** Partitions were assigned: while paused they must be paused too. */
  void assigned() {
    if (paused) {
      apply();
    }
  }

  /** Whether fetching is meant to be paused. */
  boolean paused() {
    return paused;
  }

  /** Stops reconciling (B is stopping). */
  void close() {
    closed = true;
  }

  private void apply() {
    if (closed) {
      return;
    }
    if (applying) {
      stale = true;
      return;
    }
    applying = true;
    boolean target = paused;
    Future<Void> op = target
        ? consumer.assignment().compose(consumer::pause)
        : consumer.paused().compose(consumer::resume);
    op.onComplete(ar -> {
      applying = false;
      if (ar.failed()) {
        LOG.debug("Could not {} partitions, retrying: {}", target ? "pause" : "resume", ar.cause().toString());
        vertx.setTimer(RETRY_MS, id -> apply());
      } else if (stale || target != paused) {
        stale = false;
        apply();
      }
    });
  }
}

package io.ackcoord.consumer.runtime;

import io.ackcoord.consumer.status.ConsumerStats;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A stop's wait for B's records in flight to finish, bounded. Event-loop confined. */
final class IdleWait {

  private static final Logger LOG = LoggerFactory.getLogger(IdleWait.class);

  private final Vertx vertx;
  private final ConsumerStats stats;
  /** Completes when nothing is in flight, while a stop waits for it; else {@code null}. */
  private Promise<Void> idle;

  IdleWait(Vertx vertx, ConsumerStats stats) {
    this.vertx = vertx;
    this.stats = stats;
  }

  /**
   * Completes once no record is in flight, or after {@code timeoutMillis} (with a warning: what is still in flight
   * will be read again).
   */
  Future<Void> await(long timeoutMillis) {
    if (stats.inFlight() == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> waiting = Promise.promise();
    idle = waiting;
    long timer = vertx.setTimer(Math.max(1, timeoutMillis), id -> {
      if (waiting.tryComplete()) {
        LOG.warn("{} records still in flight after {} ms; stopping anyway, they will be read again",
            stats.inFlight(), timeoutMillis);
      }
    });
    return waiting.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /** A record finished or was dropped: completes the wait once none is left. */
  void check() {
    if (idle != null && stats.inFlight() == 0) {
      idle.tryComplete();
    }
  }
}

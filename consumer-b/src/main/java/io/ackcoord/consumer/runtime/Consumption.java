package io.ackcoord.consumer.runtime;

import io.vertx.core.Future;

/**
 * How B takes records from topic 1 to a durable outcome, in one of the two {@code consumer.mode}s: {@link Processing}
 * (a consumer group) or {@link ShareProcessing} (a share group). The runtime starts, stops and closes it.
 */
interface Consumption {

  /** B1: starts reading topic 1. */
  Future<Void> start();

  /**
   * Whether the state of every partition B owns now is restored (B2), so their records are processed as they come;
   * for {@code GET /health/ready}. B's event loop only.
   */
  boolean restored();

  /** The first half of a stop: nothing new starts, and what runs gets up to {@code shutdown.timeout.ms}. */
  Future<Void> quiesce();

  /** Makes what is finished durable. */
  Future<Void> flush();

  /** Closes the consumer, then what the mode holds. */
  Future<Void> close(Closers.Step step);
}

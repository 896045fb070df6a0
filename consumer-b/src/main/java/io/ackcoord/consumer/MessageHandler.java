package io.ackcoord.consumer;

import io.vertx.core.Future;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * B's processing step for one message, written in Vert.x style: every method runs on B's event loop and must not
 * block; slow work returns a Future that completes later. For code that blocks (JDBC, file I/O, a synchronous
 * client) implement {@link BlockingMessageHandler} instead.
 *
 * <p>Guarantee: B calls {@link #handle} at most once at a time per message id, and never again for an id whose
 * success B recorded durably (its marker on {@code <prefix>processed}, restored by every B that later owns the
 * partition). What is left depends on {@code processing.guarantee}:
 * <ul>
 *   <li>at-least-once: B records the success after the handler's effects, so a crash in between (or a failed
 *       attempt that wrote something) makes B call {@code handle} again for the same id. Effects must be idempotent:
 *       key them by {@link IncomingMessage#id()} and skip ids already written. Write Kafka effects through
 *       {@link IncomingMessage#effects()}, which refuses to write once this B lost the partition; call
 *       {@link Effects#permit()} before other effects when the handler has waited since it started.</li>
 *   <li>exactly-once: Kafka effects written through {@link IncomingMessage#effects()} commit atomically with the
 *       success record, the ACK and the offset, so they appear once. Effects outside Kafka can still be repeated
 *       (a transaction that aborts is retried): make them idempotent by id.</li>
 * </ul>
 *
 * <p>Outcome: a succeeded Future → ACK; a failed Future, or an exception thrown by {@code handle} itself → NACK,
 * retryable unless a {@link NonRetryableException} is in the cause chain.
 */
public interface MessageHandler {

  /** Called once before the first message; a failed Future fails B's deployment. */
  default Future<Void> init(HandlerSetup setup) {
    return Future.succeededFuture();
  }

  /** Processes one message; completes when the work is done (for good). */
  Future<Void> handle(IncomingMessage message);

  /**
   * Topic-1 partitions were assigned to this B: load what the handler needs to be idempotent for them (for example
   * the ids it already wrote). B processes none of their records before the Future completes; a failure is retried.
   */
  default Future<Void> onPartitionsAssigned(Set<TopicPartition> partitions) {
    return Future.succeededFuture();
  }

  /** Topic-1 partitions are no longer this B's: drop what was loaded for them. */
  default void onPartitionsRevoked(Set<TopicPartition> partitions) {
  }

  /** Called once when B stops, after running handlers finished or the shutdown timeout passed. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}

package io.ackcoord.consumer;

import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link MessageHandler} for code that blocks. B runs every method on a Vert.x worker thread
 * ({@code executeBlocking(…, false)}, so several messages are handled in parallel, up to the worker pool size).
 *
 * <p>The guarantees and the outcome rules are those of {@link MessageHandler}: returning normally → ACK, throwing →
 * NACK (not retryable if a {@link NonRetryableException} is in the cause chain).
 */
public interface BlockingMessageHandler {

  /** Called once before the first message; throwing fails B's deployment. */
  default void init(HandlerSetup setup) throws Exception {
  }

  /** Processes one message; returns when the work is done. */
  void handle(IncomingMessage message) throws Exception;

  /** See {@link MessageHandler#onPartitionsAssigned}; throwing makes B retry. */
  default void onPartitionsAssigned(Set<TopicPartition> partitions) throws Exception {
  }

  /** See {@link MessageHandler#onPartitionsRevoked}. */
  default void onPartitionsRevoked(Set<TopicPartition> partitions) throws Exception {
  }

  /** Called once when B stops. */
  default void close() throws Exception {
  }
}

package io.ackcoord.consumer;

import io.vertx.core.Future;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The record of message ids B has processed successfully, so that a re-sent copy is answered with ACK instead of
 * being processed again.
 *
 * <p>Ids are kept per topic-1 partition: a re-send of an id lands on the partition its first copy came from, so B
 * needs exactly the ids of the partitions it owns. B calls {@link #restore} when partitions are assigned and
 * processes none of their records before it completed, and {@link #forget} when they go. Writing the durable marker
 * is not the store's job: B writes it to {@code <prefix>processed} itself (in the transaction, in exactly-once mode)
 * and calls {@link #add} once it is durable. Only B's event loop calls a store.
 */
public interface DedupeStore {

  /** Loads the ids already processed from the given topic-1 partitions; the default has nothing to load. */
  default Future<Void> restore(Set<TopicPartition> partitions) {
    return Future.succeededFuture();
  }

  /** Drops the ids of partitions this B no longer owns. */
  void forget(Set<TopicPartition> partitions);

  /** Whether {@code id} was processed successfully and is still remembered. */
  boolean contains(String id);

  /** Remembers that {@code id}, read from {@code partition}, was processed successfully. */
  void add(TopicPartition partition, String id);

  /**
   * {@link #contains(String)} of {@code message}'s id. B's own stores override it to reuse the hash of the id that B
   * computed once for the message it handed over, instead of hashing the id again; any other message is looked up
   * by its id, with the same answer.
   */
  default boolean contains(IncomingMessage message) {
    return contains(message.id());
  }

  /** {@link #add(TopicPartition, String)} of {@code message}'s id; B's own stores reuse its hash, as in
   * {@link #contains(IncomingMessage)}. */
  default void add(TopicPartition partition, IncomingMessage message) {
    add(partition, message.id());
  }
}

package io.ackcoord.consumer.guarantee;

import io.ackcoord.consumer.Effects;
import io.ackcoord.consumer.OwnershipLostException;
import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.consumer.replies.Outcome;
import io.ackcoord.protocol.Envelope;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@code processing.guarantee} as a strategy: how the handler's effects are written, and how a record's outcome
 * (marker, reply) and its offset become durable. {@link AtLeastOnce} writes each on its own; {@link ExactlyOnce}
 * writes them in Kafka transactions. The pipeline and the verticle do not know which one runs. Event-loop confined.
 */
public interface Guarantee {

  /** The effects a handler gets for {@code in}. */
  Effects effects(Inbound in);

  /**
   * Makes one copy's outcome durable: its reply; for the first successful copy of an id also the processed-id marker
   * ({@code mark}) and, where the effects are staged, the effects; then its offset counts as done.
   *
   * @return completes when all of it is durable; fails with {@link OwnershipLostException} when the partition moved
   *     before (nothing more is written then)
   */
  Future<Void> settle(Inbound in, Envelope envelope, Outcome outcome, boolean mark, Effects effects);

  /** Copies a record that is not a valid envelope to the poison topic; then its offset counts as done. */
  Future<Void> poison(Inbound in, String error);

  /** Makes the group coordinator confirm this B's membership (an offset commit), renewing the lease. */
  Future<Void> renewLease();

  /**
   * Partitions are being revoked and their started work has finished (or the wait timed out): makes what is done for
   * them durable and returns the positions the consumer should commit for them now (empty when the strategy
   * committed them itself).
   */
  Future<Map<TopicPartition, OffsetAndMetadata>> drain(Set<TopicPartition> partitions);

  /** Partitions are gone: drop whatever is pending for them. */
  void forget(Set<TopicPartition> partitions);

  /** B is stopping: makes everything done so far durable; nothing is accepted after it. */
  Future<Void> flush();

  /** Releases what the strategy holds (it does not own the producers it was given). */
  Future<Void> close();
}

package io.ackcoord.consumer.guarantee;

import io.ackcoord.consumer.Effects;
import io.ackcoord.consumer.OwnershipLostException;
import io.ackcoord.consumer.ProcessingGuarantee;
import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.consumer.loop.LeaseGuard;
import io.ackcoord.consumer.loop.PartitionEpochs;
import io.ackcoord.consumer.replies.Outcome;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.consumer.transactions.Owed;
import io.ackcoord.consumer.transactions.TransactionBatcher;
import io.ackcoord.kafka.TopicNames;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.PoisonRecord;
import io.ackcoord.time.Clock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code processing.guarantee = exactly-once}: the handler's Kafka effects are staged ({@link StagedEffects}); when
 * it finishes, they, the processed-id marker and the ACK (or, alone, the NACK) are staged with the record, and
 * {@link TransactionBatcher} writes batches of records in Kafka transactions together with the consumer positions
 * they make safe (KIP-447: {@code sendOffsetsToTransaction} with the group metadata).
 *
 * <p>Guarantee: for {@code read_committed} readers (A reads its replies so) a message's effects, marker, reply and
 * offset appear together or not at all, so however B dies the effect is visible once; a B whose group generation is
 * stale, or whose transactional.id another B took, cannot commit. What it does not cover: effects a handler makes
 * outside Kafka (make those idempotent by message id), and IN_PROGRESS replies, which go out at once on the
 * non-transactional producer because A must see them while the work runs.
 */
public final class ExactlyOnce implements Guarantee {

  private final TransactionBatcher batcher;
  private final LeaseGuard guard;
  private final PartitionEpochs epochs;
  private final TopicNames topics;
  private final String consumerId;
  private final Clock clock;
  private final Context context;
  private final ConsumerStats stats;

  public ExactlyOnce(TransactionBatcher batcher, LeaseGuard guard, PartitionEpochs epochs, TopicNames topics,
      String consumerId, Clock clock, Context context, ConsumerStats stats) {
    this.batcher = batcher;
    this.guard = guard;
    this.epochs = epochs;
    this.topics = topics;
    this.consumerId = consumerId;
    this.clock = clock;
    this.context = context;
    this.stats = stats;
  }

  @Override
  public Effects effects(Inbound in) {
    return new StagedEffects(in, epochs, guard, context);
  }

  @Override
  public Future<Void> settle(Inbound in, Envelope envelope, Outcome outcome, boolean mark, Effects effects) {
    if (!epochs.isCurrent(in.partition(), in.epoch())) {
      return Future.failedFuture(new OwnershipLostException("this B no longer owns " + in.partition()));
    }
    // A failed handler's staged effects are dropped: only its NACK is written.
    List<ProducerRecord<String, byte[]>> records = outcome.success() && effects instanceof StagedEffects staged
        ? staged.records() : List.of();
    int effectCount = records.size();
    // The marker and the reply join those of the other records of the transaction (TransactionRecords).
    Owed owed = new Owed(records, in.partition().partition(), mark ? envelope.id() : null,
        outcome.replyFor(envelope, consumerId, clock.wallMillis()), envelope.replyPartition());
    return batcher.stage(in, owed).onSuccess(v -> {
      (outcome.success() ? stats.acksSent : stats.nacksSent).incrementAndGet();
      stats.effectsWritten.addAndGet(effectCount);
    });
  }

  @Override
  public Future<Void> poison(Inbound in, String error) {
    return batcher.stage(in, List.of(PoisonRecord.of(topics.poison(), in.record(), error)));
  }

  @Override
  public Future<Void> renewLease() {
    return batcher.renew();
  }

  @Override
  public Future<Map<TopicPartition, OffsetAndMetadata>> drain(Set<TopicPartition> partitions) {
    // Their finished records and positions go out in a transaction now, while the partitions are still ours.
    return batcher.flush().map(v -> Map.of());
  }

  @Override
  public void forget(Set<TopicPartition> partitions) {
    batcher.forget(partitions);
  }

  @Override
  public Future<Void> flush() {
    return batcher.flush().onComplete(ar -> batcher.close());
  }

  @Override
  public Future<Void> close() {
    batcher.close();
    return Future.succeededFuture();
  }

  @Override
  public String toString() {
    return ProcessingGuarantee.EXACTLY_ONCE.configValue();
  }
}

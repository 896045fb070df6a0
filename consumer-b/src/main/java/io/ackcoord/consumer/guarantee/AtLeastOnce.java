package io.ackcoord.consumer.guarantee;

import io.ackcoord.consumer.Effects;
import io.ackcoord.consumer.OwnershipLostException;
import io.ackcoord.consumer.ProcessingGuarantee;
import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.consumer.loop.LeaseGuard;
import io.ackcoord.consumer.loop.PartitionEpochs;
import io.ackcoord.consumer.offsets.OffsetCommitter;
import io.ackcoord.consumer.offsets.OffsetTracker;
import io.ackcoord.consumer.replies.Outcome;
import io.ackcoord.consumer.replies.ReplySender;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.time.Clock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code processing.guarantee = at-least-once}: the handler writes its effects itself, guarded by the lease
 * ({@link DirectEffects}); then the processed-id marker and the reply are written side by side, each retried until
 * the broker confirms it; then the offset completes and {@link OffsetCommitter} commits it.
 *
 * <p>Guarantee: nothing is committed before its marker and reply are durable, so a crash anywhere leaves the record
 * to be read again; an id whose marker is durable is not processed again by any B. This strategy DOES NOT make the
 * effect and the marker atomic: a crash after the effect and before the marker makes the next owner call the handler
 * again, so effects must be idempotent by message id (the default handler restores the ids it wrote). A B that lost
 * its partition writes nothing more for it once it knows; one frozen past its session starts no effect after it
 * wakes (the lease), but an effect already handed to the producer may still land late.
 */
public final class AtLeastOnce implements Guarantee {

  private final ReplySender replies;
  private final KafkaSender producer;
  private final LeaseGuard guard;
  private final PartitionEpochs epochs;
  private final OffsetTracker offsets;
  private final OffsetCommitter committer;
  private final Clock clock;
  private final Context context;
  private final ConsumerStats stats;

  public AtLeastOnce(ReplySender replies, KafkaSender producer, LeaseGuard guard,
      PartitionEpochs epochs, OffsetTracker offsets, OffsetCommitter committer, Clock clock, Context context,
      ConsumerStats stats) {
    this.replies = replies;
    this.producer = producer;
    this.guard = guard;
    this.epochs = epochs;
    this.offsets = offsets;
    this.committer = committer;
    this.clock = clock;
    this.context = context;
    this.stats = stats;
  }

  @Override
  public Effects effects(Inbound in) {
    return new DirectEffects(in, guard, producer, context, stats, clock);
  }

  @Override
  public Future<Void> settle(Inbound in, Envelope envelope, Outcome outcome, boolean mark, Effects effects) {
    if (!epochs.isCurrent(in.partition(), in.epoch())) {
      return Future.failedFuture(new OwnershipLostException("this B no longer owns " + in.partition()));
    }
    // B6 Settle: marker and reply side by side, each in a batch (ReplySender); the offset waits for both.
    Future<Void> marker = mark
        ? replies.marker(in.partition().partition(), envelope.id())
        : Future.succeededFuture();
    Future<Void> reply = replies.reply(envelope, outcome);
    return Future.all(marker, reply).compose(v -> complete(in));
  }

  @Override
  public Future<Void> poison(Inbound in, String error) {
    return replies.poison(in.record(), error).compose(v -> complete(in));
  }

  @Override
  public Future<Void> renewLease() {
    return committer.renew();
  }

  @Override
  public Future<Map<TopicPartition, OffsetAndMetadata>> drain(Set<TopicPartition> partitions) {
    // Committed by the consumer thread inside the revocation callback, while the partitions are still ours. The
    // safe positions, not only what advanced since the last drain: that drain's commit may still be queued behind
    // this callback, and will find the partitions gone.
    Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>(offsets.positions());
    positions.keySet().retainAll(partitions);
    return Future.succeededFuture(positions);
  }

  @Override
  public void forget(Set<TopicPartition> partitions) {
    // Nothing of its own: the offsets are the verticle's, and in-flight sends finish or fail on their own.
  }

  @Override
  public Future<Void> flush() {
    return committer.flush();
  }

  @Override
  public Future<Void> close() {
    committer.close();
    return Future.succeededFuture();
  }

  // B7 Commit: the offset is done once everything it owes is durable; commits are coalesced.
  private Future<Void> complete(Inbound in) {
    if (!epochs.isCurrent(in.partition(), in.epoch())) {
      return Future.failedFuture(new OwnershipLostException("this B no longer owns " + in.partition()));
    }
    offsets.complete(in.partition(), in.offset());
    committer.request();
    return Future.succeededFuture();
  }

  @Override
  public String toString() {
    return ProcessingGuarantee.AT_LEAST_ONCE.configValue();
  }
}

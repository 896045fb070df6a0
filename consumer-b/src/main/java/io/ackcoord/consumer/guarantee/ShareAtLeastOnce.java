package io.ackcoord.consumer.guarantee;

import io.ackcoord.consumer.ConsumerMode;
import io.ackcoord.consumer.Effects;
import io.ackcoord.consumer.ProcessingGuarantee;
import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.consumer.replies.Outcome;
import io.ackcoord.consumer.replies.ReplySender;
import io.ackcoord.consumer.share.Acknowledgements;
import io.ackcoord.consumer.share.LockGuard;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.time.Clock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * At-least-once in a share group ({@code consumer.mode = share}): the handler writes its effects itself while B
 * holds the record's lock ({@link LockGuard}); then the processed-id marker and the reply (ACK or NACK) are written
 * side by side, each retried until the broker confirms it; then B accepts the record, which ends its lock for good.
 *
 * <p>Guarantee: a record is accepted only once its reply is durable, so a B that dies before leaves it locked until
 * the lock lapses, and A, which never got the reply, re-sends it at its deadline. Like {@link AtLeastOnce}, effect and
 * marker are not atomic, so effects must be idempotent by message id. A NACK is accepted too: A decides whether and
 * when to re-send. What share mode cannot do that group mode does: send a re-sent copy to the B still running its
 * first one, since any B may take any record (see docs/share-groups.md for the window this leaves).
 */
public final class ShareAtLeastOnce implements Guarantee {

  private final ReplySender replies;
  private final KafkaSender producer;
  private final LockGuard guard;
  private final Acknowledgements acks;
  private final Clock clock;
  private final Context context;
  private final ConsumerStats stats;

  public ShareAtLeastOnce(ReplySender replies, KafkaSender producer, LockGuard guard, Acknowledgements acks,
      Clock clock, Context context, ConsumerStats stats) {
    this.replies = replies;
    this.producer = producer;
    this.guard = guard;
    this.acks = acks;
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
    if (!guard.held(in)) {
      return Future.failedFuture(LockGuard.lapsed(in));
    }
    // B6 Settle, as at-least-once in a group; B7 is the ACCEPT instead of an offset commit.
    Future<Void> marker = mark
        ? replies.marker(in.partition().partition(), envelope.id())
        : Future.succeededFuture();
    Future<Void> reply = replies.reply(envelope, outcome);
    return Future.all(marker, reply).map(v -> {
      acks.accept(in);
      return null;
    });
  }

  @Override
  public Future<Void> poison(Inbound in, String error) {
    return replies.poison(in.record(), error).map(v -> {
      acks.reject(in);
      return null;
    });
  }

  @Override
  public Future<Void> renewLease() {
    return Future.succeededFuture(); // the locks are renewed by the share loop
  }

  @Override
  public Future<Map<TopicPartition, OffsetAndMetadata>> drain(Set<TopicPartition> partitions) {
    return Future.succeededFuture(Map.of()); // a share group has no partitions to hand over
  }

  @Override
  public void forget(Set<TopicPartition> partitions) {
  }

  @Override
  public Future<Void> flush() {
    return Future.succeededFuture(); // the share consumer sends the last acknowledgements when it closes
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  @Override
  public String toString() {
    return ProcessingGuarantee.AT_LEAST_ONCE.configValue() + " (" + ConsumerMode.SHARE + ")";
  }
}

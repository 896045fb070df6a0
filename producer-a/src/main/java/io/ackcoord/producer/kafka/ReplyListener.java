package io.ackcoord.producer.kafka;

import io.ackcoord.producer.coordinator.Coordinator;
import io.ackcoord.protocol.InvalidRecordException;
import io.ackcoord.protocol.Reply;
import io.ackcoord.protocol.ReplyCodec;
import io.ackcoord.protocol.SafeText;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads this A's partition of topic 2 and hands each reply to the {@link Coordinator}: a record holds one reply
 * (v1) or a batch of them (v2, {@link ReplyCodec}).
 *
 * <p>The partition is assigned, not subscribed: A owns it by its producer id, so there is no group rebalance to wait
 * for. A restarted A resumes at the reply position of the checkpoint it recovered from ({@link #position}), so
 * replies that arrived while A was down, or after that checkpoint, are applied to the messages it recovered. The
 * position is also committed under the group {@code ackcoord-a-<producerId>} every {@value #COMMIT_INTERVAL_MS}
 * ms, for lag tools and for a ledger without checkpoints, which resumes from it. With neither it starts at the end
 * and commits that position before anything else; {@link #start} completes only once the position is fixed, so no
 * reply to a later send can be missed.
 */
public final class ReplyListener {

  private static final Logger LOG = LoggerFactory.getLogger(ReplyListener.class);
  static final long COMMIT_INTERVAL_MS = 1000;

  private final KafkaReadStream<String, byte[]> consumer;
  private final TopicPartition partition;
  private final String producerId;
  private final Coordinator coordinator;
  private final KafkaOutbound outbound;
  private final LongAdder invalid = new LongAdder();
  private final ForeignReplies foreign = new ForeignReplies();
  private final Vertx vertx;
  private long processed = -1;
  private long committed = -1;
  private long commitTimer = -1;
  private boolean committing;
  private boolean stopping;

  public ReplyListener(Vertx vertx, KafkaReadStream<String, byte[]> consumer, TopicPartition partition,
      String producerId, Coordinator coordinator, KafkaOutbound outbound) {
    this.vertx = vertx;
    this.consumer = consumer;
    this.partition = partition;
    this.producerId = producerId;
    this.coordinator = coordinator;
    this.outbound = outbound;
  }

  /**
   * Starts reading at {@code from}, or, when it is -1, at the committed position (the end on a first start).
   */
  public Future<Void> start(long from) {
    consumer.exceptionHandler(err -> {
      if (stopping || err instanceof WakeupException) {
        // Closing the consumer wakes its poll: expected, not an error.
        LOG.debug("Reply consumer on {} woken while stopping", partition);
      } else {
        LOG.warn("Reply consumer error on {}: {}", partition, err.toString());
      }
    });
    consumer.handler(this::onRecord);
    return consumer.assign(Set.of(partition))
        .compose(v -> from >= 0 ? Future.succeededFuture(new OffsetAndMetadata(from))
            : consumer.committed(partition))
        .compose(last -> last != null
            ? consumer.seek(partition, last.offset()).compose(v -> consumer.position(partition))
            // First start: begin at the end and commit that at once, so an A that stops before it reads a reply
            // resumes here rather than at a later end, past the replies sent while it was down.
            : consumer.seekToEnd(Set.of(partition)).compose(v -> consumer.position(partition))
                .compose(pos -> consumer.commit(Map.of(partition, new OffsetAndMetadata(pos))).map(pos)))
        .onSuccess(pos -> {
          processed = pos;
          committed = pos;
          commitTimer = vertx.setPeriodic(COMMIT_INTERVAL_MS, id -> commit());
          LOG.info("Reading replies from {} at offset {}", partition, pos);
        })
        .mapEmpty();
  }

  public Future<Void> stop() {
    stopping = true;
    if (commitTimer >= 0) {
      vertx.cancelTimer(commitTimer);
    }
    return commit().transform(ar -> consumer.close());
  }

  /**
   * The offset before which every reply is applied (or was, by the run whose checkpoint A resumed from); -1 before
   * {@link #start} fixed it.
   */
  public long position() {
    return processed;
  }

  /** Whether A's reply partition is assigned to its consumer: the "replies" health check. */
  public Future<Boolean> assigned() {
    return consumer.assignment().map(assignment -> assignment.contains(partition));
  }

  /**
   * Records on topic 2 that were not valid replies (sent to the poison topic), plus invalid entries of otherwise
   * valid reply batches (logged; the batch's valid entries are applied).
   */
  public long invalidReplies() {
    return invalid.sum();
  }

  /** Valid replies addressed to another producer id, read and skipped: other As share this partition. */
  public long foreignReplies() {
    return foreign.count();
  }

  /** The producer ids of those replies (the As sharing this partition), as far as seen. */
  public List<String> foreignProducers() {
    return foreign.producers();
  }

  private Future<Void> commit() {
    if (committing || processed <= committed) {
      return Future.succeededFuture();
    }
    long upTo = processed;
    committing = true;
    return consumer.commit(Map.of(partition, new OffsetAndMetadata(upTo)))
        .onSuccess(v -> committed = upTo)
        .onFailure(err -> LOG.debug("Committing reply position {} failed, will retry: {}", upTo, err.getMessage()))
        .onComplete(ar -> committing = false)
        .mapEmpty();
  }

  private void onRecord(ConsumerRecord<String, byte[]> record) {
    processed = record.offset() + 1;
    ReplyCodec.Decoded decoded;
    try {
      // One record holds one reply (v1) or a batch of them for one producer (v2).
      decoded = ReplyCodec.decodeAll(record.value());
    } catch (InvalidRecordException e) {
      invalid.increment();
      LOG.warn("Invalid reply at {}/{}/{}: {}", record.topic(), record.partition(), record.offset(),
          SafeText.forLog(e.getMessage()));
      outbound.poison(record, e.getMessage()).onFailure(err -> LOG.error(
          "Could not park invalid reply at offset {} on the poison topic: {}", record.offset(), err.getMessage()));
      return;
    }
    if (!decoded.invalid().isEmpty()) {
      // The valid entries still count; the bad ones cannot be retried from here, so they are counted and logged.
      invalid.add(decoded.invalid().size());
      LOG.warn("{} invalid entries in the reply batch at {}/{}/{} (its {} valid ones applied), first: {}",
          decoded.invalid().size(), record.topic(), record.partition(), record.offset(), decoded.replies().size(),
          SafeText.forLog(decoded.invalid().get(0)));
    }
    for (Reply reply : decoded.replies()) {
      if (producerId.equals(reply.producerId())) {
        coordinator.onReply(reply);
      } else if (foreign.seen(reply.producerId())) {
        // Expected when As share a partition; said once per producer, not per record.
        LOG.info("{} is shared with producer '{}': this A reads its replies and skips them (foreignReplies on "
            + "/api/status); give each A its own partition with ack.reply.partition to avoid it", partition,
            reply.producerId());
      }
    }
  }
}

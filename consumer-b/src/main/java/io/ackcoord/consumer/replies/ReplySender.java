package io.ackcoord.consumer.replies;

import io.ackcoord.consumer.kafka.Backoff;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.kafka.TopicNames;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.PoisonRecord;
import io.ackcoord.protocol.ProcessedMarker;
import io.ackcoord.protocol.ProcessedMarker.Marked;
import io.ackcoord.protocol.Reply;
import io.ackcoord.protocol.ReplyCodec;
import io.ackcoord.protocol.SafeText;
import io.ackcoord.time.Clock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what B says to Kafka outside transactions: replies on topic 2 (to the partition the envelope names),
 * processed-id markers, and unreadable records on the poison topic, through one idempotent producer. In
 * exactly-once mode only IN_PROGRESS goes this way (it must reach A while the work runs); the rest is written in
 * transactions.
 *
 * <p>ACKs and NACKs are batched per reply partition and producer (one v2 record, {@link ReplyCodec}), markers per
 * processed partition (one v2 marker record), by {@link Coalescer}: the first one for an idle destination goes on
 * the next event-loop turn with whatever else arrived in that turn, and while a record is in flight the next batch
 * gathers behind it. IN_PROGRESS and poison copies stay one record each.
 *
 * <p>Guarantee (B6 Settle): an ACK or NACK, and a poison copy, is re-sent with {@link Backoff} until the broker
 * confirms it or B closes; the returned Future completes only then, and only then may the record's offset be committed.
 * A reply sent twice is harmless: A acts on the first and ignores the rest. IN_PROGRESS is sent once: a late extension
 * is worthless, and the handler that asked decides whether to ask again.
 */
public final class ReplySender {

  /** Header on a poison copy: why the record was not a valid envelope. */
  public static final String ERROR_HEADER = PoisonRecord.ERROR;
  /** Header on a poison copy: where the original was, {@code topic/partition/offset}. */
  public static final String SOURCE_HEADER = PoisonRecord.SOURCE;

  private static final Logger LOG = LoggerFactory.getLogger(ReplySender.class);

  private final Vertx vertx;
  private final KafkaSender producer;
  private final TopicNames topics;
  private final String consumerId;
  private final Clock clock;
  private final ConsumerStats stats;
  private final Backoff backoff;
  private final MarkerKeys markerKeys;
  private final Coalescer<ReplyDestination, Reply> replyBatches;
  private final Coalescer<Integer, Marked> markerBatches;
  private final Function<String, Marked> mark;
  private boolean closed;

  /** Where a batch of replies goes: the reply partition and the A they are for. */
  private record ReplyDestination(int partition, String producerId) {
  }

  /** @param mark an id as its marker names it, with its MAC under {@code dedupe.marker.key} */
  public ReplySender(Vertx vertx, KafkaSender producer, TopicNames topics, String consumerId,
      Clock clock, ConsumerStats stats, Backoff backoff, Function<String, Marked> mark) {
    this.vertx = vertx;
    this.mark = mark;
    this.producer = producer;
    this.topics = topics;
    this.consumerId = consumerId;
    this.clock = clock;
    this.stats = stats;
    this.backoff = backoff;
    this.markerKeys = new MarkerKeys(consumerId);
    // Created on B's event loop: batches are flushed on a later turn of it.
    Context context = vertx.getOrCreateContext();
    this.replyBatches = new Coalescer<>(task -> context.runOnContext(v -> task.run()), this::writeReplies,
        ReplyCodec.MAX_BATCH_REPLIES, ReplyCodec.MAX_BATCH_BYTES, ReplyCodec::estimatedBytes);
    this.markerBatches = new Coalescer<>(task -> context.runOnContext(v -> task.run()), this::writeMarkers,
        ProcessedMarker.MAX_IDS, ProcessedMarker.MAX_BYTES, ProcessedMarker::estimatedBytes);
  }

  /** The {@code consumer.instance.id} replies are sent as. */
  public String consumerId() {
    return consumerId;
  }

  /**
   * Sends the ACK or NACK for one copy, in a batch with others for the same reply partition and producer; completes
   * when the broker confirmed the record holding it.
   */
  public Future<Void> reply(Envelope envelope, Outcome outcome) {
    Reply reply = outcome.replyFor(envelope, consumerId, clock.wallMillis());
    return replyBatches.add(new ReplyDestination(envelope.replyPartition(), envelope.producerId()), reply)
        .onSuccess(v -> (outcome.success() ? stats.acksSent : stats.nacksSent).incrementAndGet());
  }

  /** Sends one IN_PROGRESS asking A to wait {@code extendMillis} more; one try. */
  public Future<Void> inProgress(Envelope envelope, long extendMillis) {
    Reply reply = Reply.inProgress(envelope, consumerId, clock.wallMillis(), extendMillis);
    return producer.send(ReplyCodec.toRecord(topics.acks(), envelope.replyPartition(), reply))
        .onSuccess(md -> stats.inProgressSent.incrementAndGet())
        .mapEmpty();
  }

  /**
   * Copies an unreadable record to the poison topic ({@link PoisonRecord}: its key, value and headers, plus
   * {@value #ERROR_HEADER} and {@value #SOURCE_HEADER}). Retried like a reply while the error is one Kafka calls
   * retriable; a copy the broker will never take (too large, topic invalid) is logged with its source and given up,
   * because a record that is not a message must not hold up the partition behind it.
   */
  public Future<Void> poison(ConsumerRecord<String, byte[]> original, String error) {
    String source = original.topic() + "/" + original.partition() + "/" + original.offset();
    ProducerRecord<String, byte[]> copy = PoisonRecord.of(topics.poison(), original, error);
    return sendUntilConfirmed(copy, "poison copy of " + source, err -> !(err instanceof RetriableException), 1)
        .recover(err -> {
          if (closed) {
            return Future.failedFuture(err);
          }
          LOG.error("Dropping unreadable record {} ({}): the poison topic refused it: {}", source,
              SafeText.forLog(error), err.toString());
          return Future.succeededFuture();
        });
  }

  /**
   * Marks {@code id} processed (at-least-once mode), in a batch with other ids read from topic-1 partition
   * {@code sourcePartition}; re-sent with backoff until the broker confirms it or B closes: the record's offset may
   * be committed only after it.
   */
  public Future<Void> marker(int sourcePartition, String id) {
    return markerBatches.add(sourcePartition, mark.apply(id));
  }

  /** Stops retrying: sends still waiting fail, so B can close. */
  public void close() {
    closed = true;
  }

  private Future<Void> writeReplies(ReplyDestination to, List<Reply> batch) {
    ProducerRecord<String, byte[]> record = ReplyCodec.toBatchRecord(topics.acks(), to.partition(), to.producerId(),
        consumerId, clock.wallMillis(), batch);
    return sendUntilConfirmed(record, batch.size() + " replies to " + to.producerId(), err -> false, 1);
  }

  private Future<Void> writeMarkers(int partition, List<Marked> ids) {
    ProducerRecord<String, byte[]> record = ProcessedMarker.toRecord(topics.processed(), partition,
        markerKeys.next(), ids, consumerId, clock.wallMillis());
    return sendUntilConfirmed(record, "processed marker for " + ids.size() + " ids", err -> false, 1);
  }

  private Future<Void> sendUntilConfirmed(ProducerRecord<String, byte[]> record, String what,
      Predicate<Throwable> giveUp, int attempt) {
    return producer.send(record).<Void>mapEmpty().recover(err -> {
      if (closed || giveUp.test(err)) {
        return Future.failedFuture(err);
      }
      long delay = backoff.delayMillis(attempt);
      LOG.warn("Sending {} failed (try {}), again in {} ms: {}", SafeText.forLog(what), attempt, delay, err.toString());
      return vertx.timer(delay).compose(v -> sendUntilConfirmed(record, what, giveUp, attempt + 1));
    });
  }
}

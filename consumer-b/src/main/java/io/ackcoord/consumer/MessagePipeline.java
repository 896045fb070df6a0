package io.ackcoord.consumer;

import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.InvalidRecordException;
import io.ackcoord.time.Clock;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 2–4 (and, through {@link ReplySender}, 6) for one record of topic 1: parse it, answer duplicates without
 * processing them, run the handler once per id, and reply. {@link #accept} completes when the reply (or the poison
 * copy) is confirmed by the broker: the moment the record's offset may be committed.
 *
 * <p>Guarantee: while an id is in the dedupe record or running, the handler is not called for it again; every copy
 * of every id gets a reply. Event-loop confined.
 */
final class MessagePipeline {

  private static final Logger LOG = LoggerFactory.getLogger(MessagePipeline.class);

  private final Vertx vertx;
  private final Context context;
  private final MessageHandler handler;
  private final DedupeStore processed;
  private final ReplySender replies;
  private final Clock clock;
  private final ConsumerStats stats;
  private final boolean autoExtend;
  private final Supplier<Future<Integer>> replyPartitionCount;
  /** Ids whose handler is running, with the outcome every copy of the id will get. */
  private final Map<String, Future<Outcome>> running = new HashMap<>();
  private int replyPartitions;

  /**
   * @param replyPartitions     partitions of topic 2 known at start-up
   * @param replyPartitionCount looks the count up again, for an envelope naming a partition beyond it
   */
  MessagePipeline(Vertx vertx, Context context, MessageHandler handler, DedupeStore processed, ReplySender replies,
      Clock clock, ConsumerStats stats, boolean autoExtend, int replyPartitions,
      Supplier<Future<Integer>> replyPartitionCount) {
    this.vertx = vertx;
    this.context = context;
    this.handler = handler;
    this.processed = processed;
    this.replies = replies;
    this.clock = clock;
    this.stats = stats;
    this.autoExtend = autoExtend;
    this.replyPartitions = replyPartitions;
    this.replyPartitionCount = replyPartitionCount;
  }

  /** Runs steps 2–4 for one record; the Future completes once its reply or poison copy is confirmed. */
  Future<Void> accept(ConsumerRecord<String, byte[]> record) {
    // 2) parse; a record that is not a valid envelope is kept on the poison topic and B moves on.
    Envelope envelope;
    try {
      envelope = EnvelopeCodec.fromRecord(record);
    } catch (InvalidRecordException | RuntimeException e) {
      return quarantine(record, e.getMessage() == null ? e.toString() : e.getMessage());
    }
    if (envelope.replyPartition() < replyPartitions) {
      return dedupe(envelope, record);
    }
    // A's topic 2 may have grown since start-up; if not, no reply can ever reach that partition.
    return replyPartitionCount.get().transform(ar -> {
      if (ar.succeeded()) {
        replyPartitions = Math.max(replyPartitions, ar.result());
      }
      return envelope.replyPartition() < replyPartitions
          ? dedupe(envelope, record)
          : quarantine(record, "header " + EnvelopeCodec.REPLY_PARTITION + " names partition "
              + envelope.replyPartition() + " but the reply topic has only " + replyPartitions + " partitions");
    });
  }

  /** Ids whose handler is running now. */
  int running() {
    return running.size();
  }

  private Future<Void> quarantine(ConsumerRecord<String, byte[]> record, String error) {
    stats.poison.incrementAndGet();
    LOG.warn("Record {}/{}/{} is not a valid envelope, copying it to the poison topic: {}", record.topic(),
        record.partition(), record.offset(), error);
    return replies.poison(record, error);
  }

  // 3) dedupe: an id answered before gets its ACK again (A may have missed it); an id running now waits for that
  // run's outcome. Neither calls the handler.
  private Future<Void> dedupe(Envelope envelope, ConsumerRecord<String, byte[]> record) {
    if (processed.contains(envelope.id())) {
      stats.duplicates.incrementAndGet();
      LOG.debug("{} was processed before: ACK again without processing", envelope);
      return replies.reply(envelope, Outcome.SUCCESS);
    }
    Future<Outcome> first = running.get(envelope.id());
    if (first != null) {
      stats.duplicates.incrementAndGet();
      LOG.debug("{} is being processed by an earlier copy: replying when it finishes", envelope);
      return first.compose(outcome -> replies.reply(envelope, outcome));
    }
    return process(envelope, record).compose(outcome -> replies.reply(envelope, outcome));
  }

  // 4) handle: success → remembered as processed → ACK; failure → NACK. A failed id is not remembered, so the next
  // copy is processed again.
  private Future<Outcome> process(Envelope envelope, ConsumerRecord<String, byte[]> record) {
    Promise<Outcome> outcome = Promise.promise();
    // Registered before the handler runs: a handler can complete synchronously.
    running.put(envelope.id(), outcome.future());
    Delivery delivery = new Delivery(envelope, record, context, ms -> replies.inProgress(envelope, ms));
    long extender = autoExtend ? startAutoExtend(delivery) : -1;
    invoke(delivery).onComplete(ar -> {
      delivery.finish();
      if (extender >= 0) {
        vertx.cancelTimer(extender);
      }
      running.remove(envelope.id());
      outcome.complete(settle(envelope, ar));
    });
    return outcome.future();
  }

  private Outcome settle(Envelope envelope, AsyncResult<Void> result) {
    if (result.succeeded()) {
      processed.add(envelope.id());
      stats.processed.incrementAndGet();
      return Outcome.SUCCESS;
    }
    stats.handlerFailures.incrementAndGet();
    Outcome failure = Outcome.failure(result.cause());
    LOG.warn("Handler failed for {} ({}): {}", envelope, failure.retryable() ? "retryable" : "not retryable",
        failure.reason());
    return failure;
  }

  // A handler that throws instead of returning a failed Future has still failed; it must not take B down.
  private Future<Void> invoke(Delivery delivery) {
    try {
      Future<Void> result = handler.handle(delivery);
      return result != null ? result
          : Future.failedFuture(new IllegalStateException(handler.getClass().getName() + " returned null"));
    } catch (VirtualMachineError fatal) {
      throw fatal;
    } catch (Throwable t) {
      return Future.failedFuture(t);
    }
  }

  /**
   * progress.auto.extend: IN_PROGRESS at half the attempt's timeout and every half timeout after, each extending
   * by the full timeout. The first one is timed from when A sent the attempt, so time spent waiting in topic 1
   * counts, bounded to [1 ms, timeout/2] against clock skew between A and B.
   */
  private long startAutoExtend(Delivery delivery) {
    Envelope envelope = delivery.envelope();
    long timeout = envelope.timeoutMillis();
    if (timeout <= 0) {
      return -1;
    }
    long half = Math.max(1, timeout / 2);
    long remaining = envelope.sentAtMillis() + timeout - clock.wallMillis();
    long first = Math.min(half, Math.max(1, remaining / 2));
    return vertx.setPeriodic(first, half, id -> replies.inProgress(envelope, timeout)
        .onFailure(err -> LOG.warn("IN_PROGRESS for {} failed: {}", envelope, err.toString())));
  }
}

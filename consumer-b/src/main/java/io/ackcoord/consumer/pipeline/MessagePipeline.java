package io.ackcoord.consumer.pipeline;

import io.ackcoord.consumer.DedupeStore;
import io.ackcoord.consumer.Effects;
import io.ackcoord.consumer.MessageHandler;
import io.ackcoord.consumer.OwnershipLostException;
import io.ackcoord.consumer.dedupe.Fingerprints;
import io.ackcoord.consumer.dedupe.ProcessedIds;
import io.ackcoord.consumer.dedupe.ProcessedTopicStore;
import io.ackcoord.consumer.guarantee.Guarantee;
import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.consumer.loop.EffectGuard;
import io.ackcoord.consumer.loop.PartitionEpochs;
import io.ackcoord.consumer.replies.Outcome;
import io.ackcoord.consumer.replies.ReplySender;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.logging.MessageFields;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.InvalidRecordException;
import io.ackcoord.protocol.SafeText;
import io.ackcoord.time.Clock;
import io.ackcoord.tracing.TraceHeaders;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * B3 Parse to B6 Settle for one record of topic 1: parse it, answer duplicates without processing them, check that this
 * B may still start work for it, run the handler once per id, and hand the outcome to the {@link Guarantee}, which
 * makes it durable. {@link #accept} completes when the guarantee says the record is done (its offset is then complete
 * or committed), or fails with {@link OwnershipLostException} when the record's partition moved to another B first.
 *
 * <p>Guarantee: while an id is in the dedupe record or running (from its handler call until its outcome is
 * durable), the handler is not called for it again; every copy of every id gets a reply, unless its partition moved
 * (then the new owner replies). Event-loop confined.
 */
public final class MessagePipeline {

  private static final Logger LOG = LoggerFactory.getLogger(MessagePipeline.class);

  private final Vertx vertx;
  private final Context context;
  private final MessageHandler handler;
  private final DedupeStore processed;
  /** {@code processed}'s ids when it is one of B's own stores, which take the fingerprint; else {@code null}. */
  private final ProcessedIds processedIds;
  /** Hashes each id once; the fingerprint serves the dedupe record and travels in the {@link Delivery}. */
  private final Fingerprints fingerprints = new Fingerprints();
  private final Guarantee guarantee;
  private final EffectGuard guard;
  private final ReplySender replies;
  private final PartitionEpochs epochs;
  private final Clock clock;
  private final ConsumerStats stats;
  private final boolean autoExtend;
  private final Supplier<Future<Integer>> replyPartitionCount;
  /** Ids whose handler is running or whose outcome is not durable yet, with the outcome every copy will get. */
  private final Map<String, Future<Outcome>> running = new HashMap<>();
  private int replyPartitions;

  /**
   * @param replies             for IN_PROGRESS only; ACK/NACK go through {@code guarantee}
   * @param replyPartitions     partitions of topic 2 known at start-up
   * @param replyPartitionCount looks the count up again, for an envelope naming a partition beyond it
   */
  public MessagePipeline(Vertx vertx, Context context, MessageHandler handler, DedupeStore processed,
      Guarantee guarantee, EffectGuard guard, ReplySender replies, PartitionEpochs epochs, Clock clock,
      ConsumerStats stats, boolean autoExtend, int replyPartitions, Supplier<Future<Integer>> replyPartitionCount) {
    this.vertx = vertx;
    this.context = context;
    this.handler = handler;
    this.processed = processed;
    this.processedIds = processed instanceof ProcessedTopicStore store ? store.ids()
        : processed instanceof ProcessedIds ids ? ids : null;
    this.guarantee = guarantee;
    this.guard = guard;
    this.replies = replies;
    this.epochs = epochs;
    this.clock = clock;
    this.stats = stats;
    this.autoExtend = autoExtend;
    this.replyPartitions = replyPartitions;
    this.replyPartitionCount = replyPartitionCount;
  }

  /** Runs B3 Parse to B6 Settle for one record; the Future completes once the record is done for good. */
  public Future<Void> accept(Inbound in) {
    ConsumerRecord<String, byte[]> record = in.record();
    // B3 Parse: a record that is not a valid envelope (or of a version this build does not read) is kept on the
    // poison topic and B moves on.
    Envelope envelope;
    try {
      envelope = EnvelopeCodec.fromRecord(record);
    } catch (InvalidRecordException | RuntimeException e) {
      return quarantine(in, e.getMessage() == null ? e.toString() : e.getMessage());
    }
    if (envelope.replyPartition() < replyPartitions) {
      return dedupe(envelope, in);
    }
    // A's topic 2 may have grown since start-up; if not, no reply can ever reach that partition.
    return replyPartitionCount.get().transform(ar -> {
      if (ar.succeeded()) {
        replyPartitions = Math.max(replyPartitions, ar.result());
      }
      return envelope.replyPartition() < replyPartitions
          ? dedupe(envelope, in)
          : quarantine(in, "the envelope names partition " + envelope.replyPartition()
              + " for its reply but the reply topic has only " + replyPartitions + " partitions");
    });
  }

  /** Ids whose handler is running or whose outcome is not durable yet. */
  int running() {
    return running.size();
  }

  private Future<Void> quarantine(Inbound in, String error) {
    ConsumerRecord<String, byte[]> record = in.record();
    stats.poison.incrementAndGet();
    LOG.warn("Record {}/{}/{} is not a valid envelope, copying it to the poison topic: {}", record.topic(),
        record.partition(), record.offset(), SafeText.forLog(error));
    return guarantee.poison(in, error);
  }

  // B4 Dedupe: an id answered before gets its ACK again (A may have missed it); an id running now waits for that
  // run's outcome. Neither calls the handler.
  private Future<Void> dedupe(Envelope envelope, Inbound in) {
    long high = fingerprints.high(envelope.id());
    long low = fingerprints.low();
    if (processedIds != null ? processedIds.contains(high, low) : processed.contains(envelope.id())) {
      stats.duplicates.incrementAndGet();
      about(LOG.atDebug(), envelope).log("{} was processed before: ACK again without processing",
          SafeText.forLog(envelope));
      return guarantee.settle(in, envelope, Outcome.SUCCESS, false, null);
    }
    Future<Outcome> first = running.get(envelope.id());
    if (first != null) {
      stats.duplicates.incrementAndGet();
      about(LOG.atDebug(), envelope).log("{} is being processed by an earlier copy: replying when it finishes",
          SafeText.forLog(envelope));
      return first.compose(outcome -> guarantee.settle(in, envelope, outcome, false, null));
    }
    return process(envelope, in, high, low);
  }

  // B5 Permit and process: success → marker + ACK, failure → NACK, made durable by the guarantee (B6 Settle). A
  // failed id is not remembered, so the next copy is processed again.
  private Future<Void> process(Envelope envelope, Inbound in, long fingerprintHigh, long fingerprintLow) {
    Promise<Outcome> outcome = Promise.promise();
    // Registered before the handler runs: a handler can complete synchronously.
    running.put(envelope.id(), outcome.future());
    Effects effects = guarantee.effects(in);
    Delivery delivery = new Delivery(envelope, in.record(), context, ms -> extend(in, envelope, ms), effects,
        fingerprintHigh, fingerprintLow);
    Future<Outcome> done = guard.permit(in).compose(v -> {
      long extender = autoExtend ? startAutoExtend(in, delivery) : -1;
      return invoke(delivery).eventually(() -> {
        delivery.finish();
        if (extender >= 0) {
          vertx.cancelTimer(extender);
        }
        return Future.succeededFuture();
      });
    }).<Outcome>transform(ar -> {
      if (ar.failed() && OwnershipLostException.isCause(ar.cause())) {
        return Future.failedFuture(ar.cause());
      }
      Outcome result = settle(envelope, in, ar);
      return guarantee.settle(in, envelope, result, result.success(), effects).map(result);
    });
    done.onComplete(ar -> {
      running.remove(envelope.id());
      if (ar.succeeded()) {
        if (ar.result().success()) {
          remember(in.partition(), delivery);
        }
        outcome.complete(ar.result());
      } else {
        delivery.finish();
        outcome.fail(ar.cause());
      }
    });
    return done.mapEmpty();
  }

  private void remember(TopicPartition partition, Delivery delivery) {
    if (processedIds != null) {
      processedIds.add(partition, delivery.fingerprintHigh(), delivery.fingerprintLow());
    } else {
      processed.add(partition, delivery.id());
    }
  }

  private Outcome settle(Envelope envelope, Inbound in, AsyncResult<Void> result) {
    if (result.succeeded()) {
      stats.processed.incrementAndGet();
      return Outcome.SUCCESS;
    }
    stats.handlerFailures.incrementAndGet();
    Outcome failure = Outcome.failure(result.cause());
    // The trace id, when A sent one, read only on this path: a failure is rare, the header lookup is not free.
    MessageFields.trace(about(LOG.atWarn(), envelope), TraceHeaders.of(in.record()))
        .log("Handler failed for {} ({}): {}", SafeText.forLog(envelope),
            failure.retryable() ? "retryable" : "not retryable", SafeText.forLog(failure.reason()));
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

  /** IN_PROGRESS, only for a record whose partition this B still owns. */
  private Future<Void> extend(Inbound in, Envelope envelope, long millis) {
    if (!epochs.isCurrent(in.partition(), in.epoch())) {
      return Future.failedFuture(new OwnershipLostException("this B no longer owns " + in.partition()));
    }
    return replies.inProgress(envelope, millis);
  }

  /**
   * progress.auto.extend: IN_PROGRESS at half the attempt's timeout and every half timeout after, each extending
   * by the full timeout. The first one is timed from when A sent the attempt, so time spent waiting in topic 1
   * counts, bounded to [1 ms, timeout/2] against clock skew between A and B.
   */
  private long startAutoExtend(Inbound in, Delivery delivery) {
    Envelope envelope = delivery.envelope();
    long timeout = envelope.timeoutMillis();
    if (timeout <= 0) {
      return -1;
    }
    long half = Math.max(1, timeout / 2);
    long remaining = envelope.sentAtMillis() + timeout - clock.wallMillis();
    long first = Math.min(half, Math.max(1, remaining / 2));
    return vertx.setPeriodic(first, half, id -> extend(in, envelope, timeout)
        .onFailure(err -> about(LOG.atWarn(), envelope).log("IN_PROGRESS for {} failed: {}",
            SafeText.forLog(envelope), err.toString())));
  }

  // A line about one message carries its fields, for the JSON log format.
  private LoggingEventBuilder about(LoggingEventBuilder event, Envelope envelope) {
    return MessageFields.of(event, SafeText.forLog(envelope.id()), envelope.attempt(),
        SafeText.forLog(envelope.producerId()), replies.consumerId());
  }
}

package io.ackcoord.consumer.guarantee;

import io.ackcoord.consumer.Effects;
import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.consumer.loop.EffectGuard;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.time.Clock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At-least-once {@link Effects}: each record is written at once, after the {@link EffectGuard} allowed it, through
 * B's idempotent producer. Callable from any thread: the check and the send hop onto B's context.
 *
 * <p>Each record is stamped with the wall time of that check. B can still be paused (SIGSTOP, GC, a suspended VM)
 * between the check and the moment the producer's I/O thread sends the record; on a topic with
 * {@code message.timestamp.before.max.ms} the broker then refuses the late record instead of appending it after the
 * new owner's (Lease#durationFor explains why that window is enough). B then checks ownership again and, if it still
 * owns the partition (a slow or restarted broker rather than a zombie), writes the record again with a new stamp.
 */
final class DirectEffects implements Effects {

  private static final Logger LOG = LoggerFactory.getLogger(DirectEffects.class);
  /** Writes of one record refused as stale before the send fails (retryably: A re-sends the message). */
  static final int STALE_ATTEMPTS = 3;

  private final Inbound in;
  private final EffectGuard guard;
  private final KafkaSender producer;
  private final Context context;
  private final ConsumerStats stats;
  private final Clock clock;

  DirectEffects(Inbound in, EffectGuard guard, KafkaSender producer, Context context,
      ConsumerStats stats, Clock clock) {
    this.in = in;
    this.guard = guard;
    this.producer = producer;
    this.context = context;
    this.stats = stats;
    this.clock = clock;
  }

  @Override
  public Future<Void> send(ProducerRecord<String, byte[]> record) {
    return onContext(() -> write(record, 1));
  }

  // Checked right before the write, not when the handler started: a handler may have waited (or B may have been
  // frozen) since. A refused record was not appended, so writing it again under a fresh check is safe; the check
  // fails if the partition moved meanwhile.
  private Future<Void> write(ProducerRecord<String, byte[]> record, int attempt) {
    return guard.permit(in)
        .compose(v -> producer.send(stamped(record, clock.wallMillis())))
        .transform(ar -> {
          if (ar.succeeded()) {
            stats.effectsWritten.incrementAndGet();
            return Future.<Void>succeededFuture();
          }
          if (!isStale(ar.cause())) {
            return Future.failedFuture(ar.cause());
          }
          stats.effectsRefused.incrementAndGet();
          if (attempt < STALE_ATTEMPTS) {
            LOG.info("The broker refused an effect for {} as stale (B or the broker was paused between B's ownership "
                + "check and the write): checking ownership again", in.partition());
            return write(record, attempt + 1);
          }
          return Future.failedFuture(new IllegalStateException("the broker refused an effect for " + in.partition()
              + " as stale " + attempt + " times: nothing was written", ar.cause()));
        });
  }

  @Override
  public Future<Void> permit() {
    return onContext(() -> guard.permit(in));
  }

  private static ProducerRecord<String, byte[]> stamped(ProducerRecord<String, byte[]> record, long wallMillis) {
    return new ProducerRecord<>(record.topic(), record.partition(), wallMillis, record.key(), record.value(),
        record.headers());
  }

  private static boolean isStale(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      // A batch of one record fails with INVALID_TIMESTAMP; in a larger one, every record fails with INVALID_RECORD
      // naming the culprit's timestamp (KIP-467).
      if (t instanceof InvalidTimestampException
          || t instanceof InvalidRecordException && String.valueOf(t.getMessage()).startsWith("Timestamp ")) {
        return true;
      }
    }
    return false;
  }

  private Future<Void> onContext(java.util.function.Supplier<Future<Void>> action) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(done));
    return done.future();
  }
}

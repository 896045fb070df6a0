package io.ackcoord.consumer;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * At-least-once {@link Effects}: each record is written at once, after the {@link LeaseGuard} allowed it, through
 * B's idempotent producer. Callable from any thread: the check and the send hop onto B's context.
 */
final class DirectEffects implements Effects {

  private final Inbound in;
  private final LeaseGuard guard;
  private final KafkaWriteStream<String, byte[]> producer;
  private final Context context;
  private final ConsumerStats stats;

  DirectEffects(Inbound in, LeaseGuard guard, KafkaWriteStream<String, byte[]> producer, Context context,
      ConsumerStats stats) {
    this.in = in;
    this.guard = guard;
    this.producer = producer;
    this.context = context;
    this.stats = stats;
  }

  @Override
  public Future<Void> send(ProducerRecord<String, byte[]> record) {
    // Checked right before the write, not when the handler started: a handler may have waited (or B may have been
    // frozen) since.
    return onContext(() -> guard.permit(in)
        .compose(v -> producer.send(record))
        .onSuccess(md -> stats.effectsWritten.incrementAndGet())
        .mapEmpty());
  }

  @Override
  public Future<Void> permit() {
    return onContext(() -> guard.permit(in));
  }

  private Future<Void> onContext(java.util.function.Supplier<Future<Void>> action) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(done));
    return done.future();
  }
}

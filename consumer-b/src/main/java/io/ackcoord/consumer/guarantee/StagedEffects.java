package io.ackcoord.consumer.guarantee;

import io.ackcoord.consumer.Effects;
import io.ackcoord.consumer.OwnershipLostException;
import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.consumer.loop.LeaseGuard;
import io.ackcoord.consumer.loop.PartitionEpochs;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Exactly-once {@link Effects}: records are kept until the handler finished, then written in the transaction that
 * also carries the marker, the reply and the offset; a failed handler's records are dropped. Staging (rather than
 * writing into an open transaction) keeps one message's failure from aborting the other messages of its batch, and
 * keeps a transaction open only for the moment it is written. Callable from any thread.
 */
final class StagedEffects implements Effects {

  private final Inbound in;
  private final PartitionEpochs epochs;
  private final LeaseGuard guard;
  private final Context context;
  private final List<ProducerRecord<String, byte[]>> staged = new ArrayList<>();

  StagedEffects(Inbound in, PartitionEpochs epochs, LeaseGuard guard, Context context) {
    this.in = in;
    this.epochs = epochs;
    this.guard = guard;
    this.context = context;
  }

  @Override
  public Future<Void> send(ProducerRecord<String, byte[]> record) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      // No lease needed: a transaction of a B that lost the partition is fenced at commit. This only saves work.
      if (!epochs.isCurrent(in.partition(), in.epoch())) {
        done.fail(new OwnershipLostException("this B no longer owns " + in.partition()));
        return;
      }
      staged.add(record);
      done.complete();
    });
    return done.future();
  }

  @Override
  public Future<Void> permit() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> guard.permit(in).onComplete(done));
    return done.future();
  }

  /** The staged records, in the order the handler sent them. Event loop only. */
  List<ProducerRecord<String, byte[]>> records() {
    return List.copyOf(staged);
  }
}

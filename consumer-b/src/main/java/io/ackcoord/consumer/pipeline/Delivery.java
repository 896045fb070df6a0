package io.ackcoord.consumer.pipeline;

import io.ackcoord.consumer.Effects;
import io.ackcoord.consumer.IncomingMessage;
import io.ackcoord.consumer.dedupe.Fingerprinted;
import io.ackcoord.consumer.dedupe.Fingerprints;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.tracing.TraceRoot;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.function.LongFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The {@link IncomingMessage} B hands to a handler: the envelope, the record's coordinates, the {@link Effects} of
 * the processing guarantee, and {@link #extendDeadline} routed back to B's event loop (a blocking handler calls it
 * from a worker thread). Inside B it also carries the id's {@link Fingerprints} fingerprint, computed once for the
 * dedupe record and the default handler's store ({@link Fingerprinted}); handlers do not see it.
 */
public final class Delivery implements IncomingMessage, Fingerprinted {

  private final Envelope envelope;
  private final String topic;
  private final int partition;
  private final long offset;
  // Read only by tracing, on demand: with tracing off nothing is parsed.
  private final Headers headers;
  private final Context context;
  private final LongFunction<Future<Void>> sendInProgress;
  private final Effects effects;
  private final long fingerprintHigh;
  private final long fingerprintLow;
  private volatile boolean finished;

  /** @param fingerprintHigh {@code envelope.id()}'s {@link Fingerprints} fingerprint, with {@code fingerprintLow} */
  public Delivery(Envelope envelope, ConsumerRecord<?, ?> record, Context context,
      LongFunction<Future<Void>> sendInProgress, Effects effects, long fingerprintHigh, long fingerprintLow) {
    this.envelope = envelope;
    this.topic = record.topic();
    this.partition = record.partition();
    this.offset = record.offset();
    this.headers = record.headers();
    this.context = context;
    this.sendInProgress = sendInProgress;
    this.effects = effects;
    this.fingerprintHigh = fingerprintHigh;
    this.fingerprintLow = fingerprintLow;
  }

  @Override
  public Envelope envelope() {
    return envelope;
  }

  @Override
  public String topic() {
    return topic;
  }

  @Override
  public int partition() {
    return partition;
  }

  @Override
  public long offset() {
    return offset;
  }

  @Override
  public Effects effects() {
    return effects;
  }

  @Override
  public Future<Void> extendDeadline(Duration extension) {
    if (extension == null || extension.toMillis() <= 0) {
      return Future.failedFuture(new IllegalArgumentException("extension must be at least 1 ms, was " + extension));
    }
    Promise<Void> sent = Promise.promise();
    context.runOnContext(v -> {
      // An IN_PROGRESS after the ACK/NACK would make A wait for a message that is already answered.
      if (finished) {
        sent.fail(new IllegalStateException("message " + envelope.id() + " is already finished"));
      } else {
        sendInProgress.apply(extension.toMillis()).onComplete(sent);
      }
    });
    return sent.future();
  }

  /**
   * The trace A started for this message, from the record's {@code traceparent} header; {@code null} when it has
   * none (A's tracing off) or an invalid one. Parsed on each call: only tracing asks.
   */
  public TraceRoot trace() {
    Header h = headers.lastHeader(TraceRoot.HEADER);
    return h == null ? null : TraceRoot.parse(h.value());
  }

  @Override
  public long fingerprintHigh() {
    return fingerprintHigh;
  }

  @Override
  public long fingerprintLow() {
    return fingerprintLow;
  }

  /** Called on the event loop when the handler finished; later extensions are refused. */
  void finish() {
    finished = true;
  }

  @Override
  public String toString() {
    return envelope + " from " + topic + "/" + partition + "/" + offset;
  }
}

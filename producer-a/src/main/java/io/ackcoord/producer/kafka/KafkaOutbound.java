package io.ackcoord.producer.kafka;

import io.ackcoord.producer.ids.Receipts;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.kafka.TopicNames;
import io.ackcoord.producer.coordinator.Coordinator;
import io.ackcoord.producer.ledger.Position;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.PoisonRecord;
import io.ackcoord.tracing.TraceHeaders;
import io.ackcoord.tracing.TraceRoot;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * A's writes to Kafka: attempts to topic 1, dead letters, poison. One idempotent producer with {@code acks=all},
 * so a confirmed send is durable and a producer-internal retry never duplicates a record. Payloads are read back
 * from topic 1 through a {@link PayloadReader}.
 */
public final class KafkaOutbound implements Coordinator.Outbound {

  /** Why a message was dead-lettered. */
  static final String DEAD_LETTER_REASON = "ackcoord-dead-letter-reason";

  private final KafkaSender producer;
  private final PayloadReader payloads;
  private final TopicNames topics;

  /** Owns both from now on: {@link #close} closes them. */
  public KafkaOutbound(KafkaSender producer, PayloadReader payloads, TopicNames topics) {
    this.producer = producer;
    this.payloads = payloads;
    this.topics = topics;
  }

  @Override
  public Future<Position> send(Envelope envelope) {
    return send(envelope, null);
  }

  @Override
  public Future<Position> send(Envelope envelope, TraceRoot trace) {
    ProducerRecord<String, byte[]> record = EnvelopeCodec.toRecord(topics.messages(), envelope);
    TraceHeaders.put(record.headers(), trace);
    return producer.send(record)
        // Without an offset (never with acks=all) A keeps the payload instead.
        .map(meta -> meta.hasOffset() ? new Position(meta.partition(), meta.offset()) : null);
  }

  @Override
  public Future<byte[]> payload(String id, Position at) {
    return payloads.read(id, at);
  }

  // Dead letters keep the readable version-1 headers: they are rare, and people read them with any Kafka tool.
  @Override
  public Future<Void> deadLetter(Envelope envelope, String reason) {
    return deadLetter(envelope, reason, null);
  }

  // The traceparent lets a redrive continue the message's trace.
  @Override
  public Future<Void> deadLetter(Envelope envelope, String reason, TraceRoot trace) {
    ProducerRecord<String, byte[]> record = EnvelopeCodec.toReadableRecord(topics.deadLetters(), envelope);
    TraceHeaders.put(record.headers(), trace);
    record.headers().add(DEAD_LETTER_REASON, reason.getBytes(StandardCharsets.UTF_8));
    long proof = Receipts.letterProof(envelope.receipt());
    if (proof != 0) {
      // Lets a restarted A tell its own dead letters from forged ones (decision 014).
      record.headers().add(Receipts.LETTER_PROOF_HEADER, EnvelopeCodec.ascii(proof));
    }
    return producer.send(record).<Void>mapEmpty().recover(err -> Future.failedFuture(
        err instanceof RecordTooLargeException || err instanceof RecordBatchTooLargeException
            ? new Coordinator.TooLargeException(err) : err));
  }

  /** Parks an unreadable reply on the poison topic. */
  Future<Void> poison(ConsumerRecord<String, byte[]> record, String error) {
    return producer.send(PoisonRecord.of(topics.poison(), record, error)).mapEmpty();
  }

  /**
   * Closes the producer, waiting up to {@code timeoutMillis} for sends in flight; what is still unconfirmed then
   * fails (a broker that does not answer must not hold A's stop for Kafka's delivery timeout).
   */
  public Future<Void> close(long timeoutMillis) {
    return payloads.close().transform(ignored -> producer.close(timeoutMillis));
  }
}

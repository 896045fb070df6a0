package io.ackcoord.consumer;

import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/** Envelopes and the records that carry them, for tests. */
public final class TestEnvelopes {

  public static final String PRODUCER = "a-test";

  private TestEnvelopes() {
  }

  /** Attempt 1 of message {@code id}, replies to {@code replyPartition}, timeout {@code timeoutMillis}. */
  public static Envelope envelope(String id, int replyPartition, long timeoutMillis) {
    long now = System.currentTimeMillis();
    return new Envelope(id, PRODUCER, 1, now, now, replyPartition, timeoutMillis, "text/plain",
        ("payload of " + id).getBytes(StandardCharsets.UTF_8));
  }

  /** The record A would write for {@code envelope}, as B would read it at {@code offset} of partition 0. */
  public static ConsumerRecord<String, byte[]> consumerRecord(String topic, Envelope envelope, long offset) {
    ProducerRecord<String, byte[]> produced = EnvelopeCodec.toRecord(topic, envelope);
    ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(topic, 0, offset, produced.key(), produced.value());
    for (Header h : produced.headers()) {
      record.headers().add(h);
    }
    return record;
  }
}

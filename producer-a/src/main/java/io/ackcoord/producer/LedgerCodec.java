package io.ackcoord.producer;

import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.InvalidRecordException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Ledger records on the compacted ledger topic: key {@code <producerId>|<messageId>} (so producers sharing a
 * partition never overwrite each other), value = payload, state in headers like an envelope; a tombstone (null
 * value) once the message is final.
 */
final class LedgerCodec {

  static final String VERSION = "ackcoord-ledger-version";
  static final String DEADLINE = "ackcoord-deadline";

  private LedgerCodec() {
  }

  static String key(String producerId, String id) {
    return producerId + "|" + id;
  }

  static ProducerRecord<String, byte[]> toRecord(String topic, int partition, LedgerEntry e) {
    Headers h = new RecordHeaders();
    put(h, VERSION, "1");
    put(h, EnvelopeCodec.ID, e.id());
    put(h, EnvelopeCodec.PRODUCER, e.producerId());
    put(h, EnvelopeCodec.ATTEMPT, Integer.toString(e.attempt()));
    put(h, EnvelopeCodec.CREATED_AT, Long.toString(e.acceptedAtMillis()));
    put(h, EnvelopeCodec.SENT_AT, Long.toString(e.sentAtMillis()));
    put(h, EnvelopeCodec.TIMEOUT_MS, Long.toString(e.baseTimeoutMillis()));
    put(h, DEADLINE, Long.toString(e.deadlineMillis()));
    if (e.contentType() != null) {
      put(h, EnvelopeCodec.CONTENT_TYPE, e.contentType());
    }
    return new ProducerRecord<>(topic, partition, key(e.producerId(), e.id()), e.payload(), h);
  }

  static ProducerRecord<String, byte[]> tombstone(String topic, int partition, String producerId, String id) {
    return new ProducerRecord<>(topic, partition, key(producerId, id), null);
  }

  /** The producer id of a ledger key, or {@code null} if the key is not one. */
  static String producerOf(String key) {
    int bar = key == null ? -1 : key.indexOf('|');
    return bar <= 0 ? null : key.substring(0, bar);
  }

  /** The message id of a ledger key. */
  static String idOf(String key) {
    return key.substring(key.indexOf('|') + 1);
  }

  /** Parses a live (non-tombstone) ledger record. */
  static LedgerEntry fromRecord(ConsumerRecord<String, byte[]> r) throws InvalidRecordException {
    Headers h = r.headers();
    if (!"1".equals(EnvelopeCodec.optional(h, VERSION))) {
      throw new InvalidRecordException("unsupported ledger version '" + EnvelopeCodec.optional(h, VERSION) + "'");
    }
    return new LedgerEntry(
        required(h, EnvelopeCodec.ID),
        required(h, EnvelopeCodec.PRODUCER),
        (int) number(h, EnvelopeCodec.ATTEMPT),
        number(h, EnvelopeCodec.CREATED_AT),
        number(h, EnvelopeCodec.SENT_AT),
        number(h, EnvelopeCodec.TIMEOUT_MS),
        number(h, DEADLINE),
        EnvelopeCodec.optional(h, EnvelopeCodec.CONTENT_TYPE),
        r.value());
  }

  private static void put(Headers h, String name, String value) {
    h.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String required(Headers h, String name) throws InvalidRecordException {
    String v = EnvelopeCodec.optional(h, name);
    if (v == null) {
      throw new InvalidRecordException("ledger record without header " + name);
    }
    return v;
  }

  private static long number(Headers h, String name) throws InvalidRecordException {
    String v = required(h, name);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new InvalidRecordException("ledger header " + name + " is not a number: '" + v + "'");
    }
  }
}

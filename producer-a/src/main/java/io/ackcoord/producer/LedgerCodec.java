package io.ackcoord.producer;

import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.InvalidRecordException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Ledger records on the compacted ledger topic: key {@code <producerId>|<messageId>} (so producers sharing a
 * partition never overwrite each other), value = payload, state in headers like an envelope; a tombstone (null
 * value) once the message is final.
 */
final class LedgerCodec {

  static final String VERSION = "ackcoord-ledger-version";
  static final String DEADLINE = "ackcoord-deadline";

  // Never modified once built (Kafka only reads header values), so shared.
  private static final byte[] VERSION_1 = {'1'};

  private LedgerCodec() {
  }

  static String key(String producerId, String id) {
    return producerId + "|" + id;
  }

  static ProducerRecord<String, byte[]> toRecord(String topic, int partition, LedgerEntry e) {
    Header[] h = new Header[e.contentType() == null ? 8 : 9];
    h[0] = new RecordHeader(VERSION, VERSION_1);
    h[1] = new RecordHeader(EnvelopeCodec.ID, utf8(e.id()));
    h[2] = new RecordHeader(EnvelopeCodec.PRODUCER, utf8(e.producerId()));
    h[3] = new RecordHeader(EnvelopeCodec.ATTEMPT, EnvelopeCodec.ascii(e.attempt()));
    h[4] = new RecordHeader(EnvelopeCodec.CREATED_AT, EnvelopeCodec.ascii(e.acceptedAtMillis()));
    h[5] = new RecordHeader(EnvelopeCodec.SENT_AT, EnvelopeCodec.ascii(e.sentAtMillis()));
    h[6] = new RecordHeader(EnvelopeCodec.TIMEOUT_MS, EnvelopeCodec.ascii(e.baseTimeoutMillis()));
    h[7] = new RecordHeader(DEADLINE, EnvelopeCodec.ascii(e.deadlineMillis()));
    if (e.contentType() != null) {
      h[8] = new RecordHeader(EnvelopeCodec.CONTENT_TYPE, utf8(e.contentType()));
    }
    return new ProducerRecord<>(topic, partition, key(e.producerId(), e.id()), e.payload(), new RecordHeaders(h));
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

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
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

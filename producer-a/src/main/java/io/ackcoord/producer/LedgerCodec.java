package io.ackcoord.producer;

import io.ackcoord.protocol.CompactReader;
import io.ackcoord.protocol.CompactWriter;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.InvalidRecordException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Ledger records on the compacted ledger topic: key {@code <producerId>|<messageId>} (so producers sharing a
 * partition never overwrite each other), value = payload, state in one compact header; a tombstone (null value) once
 * the message is final.
 *
 * <p>Version 2 (written): header {@value #HEADER} = version byte {@code 2}, varints for attempt, accepted-at,
 * sent-at (difference from accepted-at), base timeout and deadline (difference from sent-at), then the content
 * type as UTF-8 prefixed with its length plus one ({@code 0}: none). The id and the producer are the key's, not
 * repeated. Version 1 (read, for ledgers written before an upgrade): header {@value #VERSION_1_HEADER} = {@code 1} and each field in a
 * readable header, as in a version-1 envelope plus {@value #DEADLINE}.
 */
final class LedgerCodec {

  /** The one header of a version-2 ledger entry. */
  static final String HEADER = "ackcoord-ledger";
  /** Version 1: the entry's version header. */
  static final String VERSION_1_HEADER = "ackcoord-ledger-version";
  /** Version 1: when the reply to the attempt is due. */
  static final String DEADLINE = "ackcoord-deadline";

  private static final int MAX_CONTENT_TYPE_BYTES = Short.MAX_VALUE;

  private LedgerCodec() {
  }

  static String key(String producerId, String id) {
    return producerId + "|" + id;
  }

  static ProducerRecord<String, byte[]> toRecord(String topic, int partition, LedgerEntry e) {
    long sentDelta = e.sentAtMillis() - e.acceptedAtMillis();
    long deadlineDelta = e.deadlineMillis() - e.sentAtMillis();
    String contentType = e.contentType();
    int size = 1 + CompactWriter.varlongSize(e.attempt()) + CompactWriter.varlongSize(e.acceptedAtMillis())
        + CompactWriter.zigzagSize(sentDelta) + CompactWriter.varlongSize(e.baseTimeoutMillis())
        + CompactWriter.zigzagSize(deadlineDelta) + CompactWriter.nullableStringSize(contentType);
    byte[] value = new CompactWriter(size)
        .writeByte(2)
        .varlong(e.attempt())
        .varlong(e.acceptedAtMillis())
        .zigzag(sentDelta)
        .varlong(e.baseTimeoutMillis())
        .zigzag(deadlineDelta)
        .nullableString(contentType)
        .toBytes();
    Header[] headers = {new RecordHeader(HEADER, value)};
    return new ProducerRecord<>(topic, partition, key(e.producerId(), e.id()), e.payload(),
        new RecordHeaders(headers));
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

  /** Parses a live (non-tombstone) ledger record of either version; its key must be a ledger key. */
  static LedgerEntry fromRecord(ConsumerRecord<String, byte[]> r) throws InvalidRecordException {
    Headers h = r.headers();
    if (h.lastHeader(VERSION_1_HEADER) != null) {
      return fromVersion1(r);
    }
    Header header = h.lastHeader(HEADER);
    if (header == null || header.value() == null || header.value().length == 0) {
      throw new InvalidRecordException("ledger record without header " + HEADER + " or " + VERSION_1_HEADER);
    }
    String producerId = producerOf(r.key());
    if (producerId == null) {
      throw new InvalidRecordException("ledger key '" + r.key() + "' is not <producerId>|<id>");
    }
    CompactReader in = new CompactReader(header.value(), "ledger header " + HEADER);
    int version = in.readByte("version");
    if (version != 2) {
      throw new InvalidRecordException("unsupported ledger version '" + version + "'");
    }
    int attempt = (int) in.varlong("attempt", 1, Integer.MAX_VALUE);
    long acceptedAt = in.varlong("accepted-at", 0, Long.MAX_VALUE);
    long sentAt = acceptedAt + in.zigzag("sent-at");
    long baseTimeout = in.varlong("timeout", 0, Long.MAX_VALUE);
    // Wall times in a ledger only move a deadline; a corrupt difference yields a deadline that fires at once or late,
    // never an exception.
    long deadline = sentAt + in.zigzag("deadline");
    String contentType = in.nullableString("content type", MAX_CONTENT_TYPE_BYTES);
    in.end();
    return new LedgerEntry(idOf(r.key()), producerId, attempt, acceptedAt, sentAt, baseTimeout, deadline,
        contentType, r.value());
  }

  private static LedgerEntry fromVersion1(ConsumerRecord<String, byte[]> r) throws InvalidRecordException {
    Headers h = r.headers();
    if (!"1".equals(EnvelopeCodec.optional(h, VERSION_1_HEADER))) {
      throw new InvalidRecordException("unsupported ledger version '"
          + EnvelopeCodec.optional(h, VERSION_1_HEADER) + "'");
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

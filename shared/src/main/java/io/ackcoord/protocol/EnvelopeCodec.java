package io.ackcoord.protocol;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Reads and writes {@link Envelope}s as Kafka records: key = message id, value = payload, metadata in headers.
 *
 * <p>Headers rather than a wrapping JSON document keep the payload byte-for-byte what the caller sent (no base64, no
 * re-encoding), and let a version header say how to read the rest, so the format can grow without breaking readers.
 */
public final class EnvelopeCodec {

  /** Envelope version; a reader rejects versions it does not know. */
  public static final String VERSION = "ackcoord-version";
  public static final String ID = "ackcoord-id";
  public static final String PRODUCER = "ackcoord-producer";
  public static final String ATTEMPT = "ackcoord-attempt";
  public static final String CREATED_AT = "ackcoord-created-at";
  public static final String SENT_AT = "ackcoord-sent-at";
  public static final String REPLY_PARTITION = "ackcoord-reply-partition";
  public static final String TIMEOUT_MS = "ackcoord-timeout-ms";
  public static final String CONTENT_TYPE = "content-type";

  private EnvelopeCodec() {
  }

  /** The record for one attempt, keyed by message id so that every attempt lands on the same partition. */
  public static ProducerRecord<String, byte[]> toRecord(String topic, Envelope e) {
    Headers headers = new RecordHeaders();
    put(headers, VERSION, Integer.toString(Envelope.VERSION));
    put(headers, ID, e.id());
    put(headers, PRODUCER, e.producerId());
    put(headers, ATTEMPT, Integer.toString(e.attempt()));
    put(headers, CREATED_AT, Long.toString(e.createdAtMillis()));
    put(headers, SENT_AT, Long.toString(e.sentAtMillis()));
    put(headers, REPLY_PARTITION, Integer.toString(e.replyPartition()));
    put(headers, TIMEOUT_MS, Long.toString(e.timeoutMillis()));
    if (e.contentType() != null) {
      put(headers, CONTENT_TYPE, e.contentType());
    }
    return new ProducerRecord<>(topic, null, e.id(), e.payload(), headers);
  }

  /**
   * Parses a record read from topic 1.
   *
   * @throws InvalidRecordException naming the first header that is missing or malformed
   */
  public static Envelope fromRecord(ConsumerRecord<String, byte[]> record) throws InvalidRecordException {
    Headers h = record.headers();
    String version = required(h, VERSION);
    if (!"1".equals(version)) {
      throw new InvalidRecordException("unsupported envelope version '" + version + "' in header " + VERSION
          + " (this build reads version 1)");
    }
    String id = required(h, ID);
    if (record.key() != null && !record.key().equals(id)) {
      throw new InvalidRecordException("record key '" + record.key() + "' differs from header " + ID + " '" + id
          + "'");
    }
    int attempt = (int) number(h, ATTEMPT, 1, Integer.MAX_VALUE);
    byte[] payload = record.value() == null ? new byte[0] : record.value();
    return new Envelope(
        id,
        required(h, PRODUCER),
        attempt,
        number(h, CREATED_AT, 0, Long.MAX_VALUE),
        number(h, SENT_AT, 0, Long.MAX_VALUE),
        (int) number(h, REPLY_PARTITION, 0, Integer.MAX_VALUE),
        number(h, TIMEOUT_MS, 0, Long.MAX_VALUE),
        optional(h, CONTENT_TYPE),
        payload);
  }

  /** The last value of a header as UTF-8, or {@code null}; used by tools that inspect ackcoord records. */
  public static String optional(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static void put(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String required(Headers h, String name) throws InvalidRecordException {
    String value = optional(h, name);
    if (value == null || value.isEmpty()) {
      throw new InvalidRecordException("missing header " + name);
    }
    return value;
  }

  private static long number(Headers h, String name, long min, long max) throws InvalidRecordException {
    String raw = required(h, name);
    long value;
    try {
      value = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new InvalidRecordException("header " + name + " is not a number: '" + raw + "'");
    }
    if (value < min || value > max) {
      throw new InvalidRecordException("header " + name + " out of range [" + min + ", " + max + "]: " + value);
    }
    return value;
  }
}

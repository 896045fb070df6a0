package io.ackcoord.protocol;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
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

  // Header values are never modified once built (Kafka only reads them), so the constant one is shared.
  private static final byte[] VERSION_1 = Integer.toString(Envelope.VERSION).getBytes(StandardCharsets.US_ASCII);

  private EnvelopeCodec() {
  }

  /** The record for one attempt, keyed by message id so that every attempt lands on the same partition. */
  public static ProducerRecord<String, byte[]> toRecord(String topic, Envelope e) {
    // Sized up front and numbers written straight to ASCII: this runs once per send on A's event loop.
    Header[] headers = new Header[e.contentType() == null ? 8 : 9];
    headers[0] = new RecordHeader(VERSION, VERSION_1);
    headers[1] = new RecordHeader(ID, utf8(e.id()));
    headers[2] = new RecordHeader(PRODUCER, utf8(e.producerId()));
    headers[3] = new RecordHeader(ATTEMPT, ascii(e.attempt()));
    headers[4] = new RecordHeader(CREATED_AT, ascii(e.createdAtMillis()));
    headers[5] = new RecordHeader(SENT_AT, ascii(e.sentAtMillis()));
    headers[6] = new RecordHeader(REPLY_PARTITION, ascii(e.replyPartition()));
    headers[7] = new RecordHeader(TIMEOUT_MS, ascii(e.timeoutMillis()));
    if (e.contentType() != null) {
      headers[8] = new RecordHeader(CONTENT_TYPE, utf8(e.contentType()));
    }
    return new ProducerRecord<>(topic, null, e.id(), e.payload(), new RecordHeaders(headers));
  }

  /** The decimal digits of {@code value} as ASCII bytes, as {@code Long.toString(value).getBytes()} without the string. */
  public static byte[] ascii(long value) {
    if (value == Long.MIN_VALUE) {
      return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }
    long v = Math.abs(value);
    int digits = 1;
    for (long t = v; t >= 10; t /= 10) {
      digits++;
    }
    int length = digits + (value < 0 ? 1 : 0);
    byte[] out = new byte[length];
    for (int i = length - 1; i >= length - digits; i--) {
      out[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    if (value < 0) {
      out[0] = '-';
    }
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
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

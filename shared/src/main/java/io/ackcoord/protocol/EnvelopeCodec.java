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
 * <p>Headers rather than a wrapping document keep the payload byte-for-byte what the caller sent (no base64, no
 * re-encoding). Two layouts:
 *
 * <ul>
 *   <li><b>Version 3</b> (written to topic 1): version 2's layout with the version byte {@code 3} and, at its end,
 *       the attempt's {@link Envelope#receipt()} as 8 bytes.</li>
 *   <li><b>Version 2</b> (still read): one header {@value #HEADER} whose value is the version byte
 *       {@code 2}, then varints for attempt, created-at, sent-at (as the signed difference from created-at),
 *       reply partition and timeout, then the producer id as length-prefixed UTF-8 and the content type as
 *       UTF-8 prefixed with its length plus one ({@code 0}: none). The message id is the record key. One short
 *       header instead of eight long ones is what makes it cheap: the producer serializes every header's key and
 *       value per record.</li>
 *   <li><b>Version 1</b>: eight readable {@code ackcoord-*} headers (numbers in decimal ASCII) plus
 *       {@code content-type}. Still read, for records written before an upgrade, and still written for dead letters
 *       ({@link #toReadableRecord}), which people read with any Kafka tool.</li>
 * </ul>
 *
 * <p>A record that carries {@value #VERSION} is read as version 1 whatever else it carries; otherwise the
 * {@value #HEADER} header decides. {@link #optional} gives tools any envelope field by its version-1 header name,
 * from either layout.
 */
public final class EnvelopeCodec {

  /** The one header of a version-2 envelope; its first byte is the version. */
  public static final String HEADER = "ackcoord";

  /** Version-1 header with the envelope version; a reader rejects versions it does not know. */
  public static final String VERSION = "ackcoord-version";
  /** Version 1 only: the message id, equal to the record key. */
  public static final String ID = "ackcoord-id";
  public static final String PRODUCER = "ackcoord-producer";
  public static final String ATTEMPT = "ackcoord-attempt";
  public static final String CREATED_AT = "ackcoord-created-at";
  public static final String SENT_AT = "ackcoord-sent-at";
  public static final String REPLY_PARTITION = "ackcoord-reply-partition";
  public static final String TIMEOUT_MS = "ackcoord-timeout-ms";
  public static final String CONTENT_TYPE = "content-type";

  /** Longest producer id or content type a version-2 envelope may carry, in UTF-8 bytes. */
  static final int MAX_STRING_BYTES = Short.MAX_VALUE;

  // Header values are never modified once built (Kafka only reads them), so the constant one is shared.
  private static final byte[] VERSION_1 = {'1'};

  private EnvelopeCodec() {
  }

  /**
   * The version-2 record for one attempt, keyed by message id so that every attempt lands on the same partition.
   * Runs once per send on A's event loop: one header, its value built in one exactly sized array.
   */
  public static ProducerRecord<String, byte[]> toRecord(String topic, Envelope e) {
    long sentDelta = e.sentAtMillis() - e.createdAtMillis();
    String contentType = e.contentType();
    int size = 1 + CompactWriter.varlongSize(e.attempt()) + CompactWriter.varlongSize(e.createdAtMillis())
        + CompactWriter.zigzagSize(sentDelta) + CompactWriter.varlongSize(e.replyPartition())
        + CompactWriter.varlongSize(e.timeoutMillis()) + CompactWriter.stringSize(e.producerId())
        + CompactWriter.nullableStringSize(contentType) + 8;
    byte[] value = new CompactWriter(size)
        .writeByte(3)
        .varlong(e.attempt())
        .varlong(e.createdAtMillis())
        .zigzag(sentDelta)
        .varlong(e.replyPartition())
        .varlong(e.timeoutMillis())
        .string(e.producerId())
        .nullableString(contentType)
        .fixed64(e.receipt())
        .toBytes();
    Header[] headers = {new RecordHeader(HEADER, value)};
    return new ProducerRecord<>(topic, null, e.id(), e.payload(), new RecordHeaders(headers));
  }

  /**
   * The version-1 record: every field in its own readable header. For records people read more often than A
   * writes them (dead letters); readers accept it like version 2. The receipt is left out: it is a secret, and a dead
   * letter needs none.
   */
  public static ProducerRecord<String, byte[]> toReadableRecord(String topic, Envelope e) {
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
   * Parses a record read from topic 1, of either version.
   *
   * @throws InvalidRecordException naming the header or field that is missing, truncated or out of range
   */
  public static Envelope fromRecord(ConsumerRecord<String, byte[]> record) throws InvalidRecordException {
    Headers h = record.headers();
    if (h.lastHeader(VERSION) != null) {
      return fromVersion1(record);
    }
    Header header = h.lastHeader(HEADER);
    if (header == null) {
      throw new InvalidRecordException("missing header " + HEADER + " (envelope versions 2 and 3) or " + VERSION
          + " (version 1)");
    }
    String id = record.key();
    if (id == null || id.isEmpty()) {
      throw new InvalidRecordException("record without a key: a version-2 envelope's key is the message id");
    }
    Fields f = decode(header.value());
    return new Envelope(id, f.producerId, f.attempt, f.createdAt, f.sentAt, f.replyPartition, f.timeout,
        f.contentType, record.value() == null ? new byte[0] : record.value(), f.receipt);
  }

  /**
   * The value of an envelope field by its version-1 header name ({@link #ATTEMPT}, {@link #PRODUCER}, …, and
   * {@link #VERSION}), from a version-1 header or decoded from the version-2 {@value #HEADER} header; any other
   * header's last value as UTF-8. {@code null} when absent or unreadable. For tools that inspect ackcoord records;
   * the message id of a version-2 record is its key.
   */
  public static String optional(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    if (header != null) {
      return header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
    Header compact = headers.lastHeader(HEADER);
    if (compact == null || headers.lastHeader(VERSION) != null) {
      return null;
    }
    try {
      return decode(compact.value()).text(name);
    } catch (InvalidRecordException e) {
      return null;
    }
  }

  private static Fields decode(byte[] value) throws InvalidRecordException {
    if (value == null || value.length == 0) {
      throw new InvalidRecordException("header " + HEADER + " is empty");
    }
    CompactReader r = new CompactReader(value, "header " + HEADER);
    int version = r.readByte("version");
    if (version != 2 && version != 3) {
      throw new InvalidRecordException("unsupported envelope version '" + version + "' in header " + HEADER
          + " (this build reads versions 1 to 3)");
    }
    Fields f = new Fields();
    f.version = version;
    f.attempt = (int) r.varlong("attempt", 1, Integer.MAX_VALUE);
    f.createdAt = r.varlong("created-at", 0, Long.MAX_VALUE);
    long sentDelta = r.zigzag("sent-at");
    f.sentAt = f.createdAt + sentDelta;
    // created-at is not negative, so an overflowing sum is.
    if (f.sentAt < 0) {
      throw new InvalidRecordException("header " + HEADER + ": sent-at out of range: created-at " + f.createdAt
          + " + " + sentDelta);
    }
    f.replyPartition = (int) r.varlong("reply partition", 0, Integer.MAX_VALUE);
    f.timeout = r.varlong("timeout", 0, Long.MAX_VALUE);
    f.producerId = r.string("producer id", MAX_STRING_BYTES);
    if (f.producerId.isEmpty()) {
      throw new InvalidRecordException("header " + HEADER + ": empty producer id");
    }
    f.contentType = r.nullableString("content type", MAX_STRING_BYTES);
    if (version == 3) {
      f.receipt = r.fixed64("receipt");
    }
    r.end();
    return f;
  }

  private static Envelope fromVersion1(ConsumerRecord<String, byte[]> record) throws InvalidRecordException {
    Headers h = record.headers();
    String version = required(h, VERSION);
    if (!"1".equals(version)) {
      throw new InvalidRecordException("unsupported envelope version '" + version + "' in header " + VERSION
          + " (this build reads versions 1 to 3)");
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

  private static String required(Headers h, String name) throws InvalidRecordException {
    Header header = h.lastHeader(name);
    if (header == null || header.value() == null || header.value().length == 0) {
      throw new InvalidRecordException("missing header " + name);
    }
    return new String(header.value(), StandardCharsets.UTF_8);
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

  /** The fields of a version-2 header; the id is the record's key. */
  private static final class Fields {
    int attempt;
    long createdAt;
    long sentAt;
    int replyPartition;
    long timeout;
    String producerId;
    String contentType;
    int version;
    long receipt;

    String text(String name) {
      return switch (name) {
        case VERSION -> Integer.toString(version);
        case PRODUCER -> producerId;
        case ATTEMPT -> Integer.toString(attempt);
        case CREATED_AT -> Long.toString(createdAt);
        case SENT_AT -> Long.toString(sentAt);
        case REPLY_PARTITION -> Integer.toString(replyPartition);
        case TIMEOUT_MS -> Long.toString(timeout);
        case CONTENT_TYPE -> contentType;
        default -> null;
      };
    }
  }
}

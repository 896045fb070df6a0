package io.ackcoord.producer.ledger;

import io.ackcoord.producer.ids.MessageIds;
import io.ackcoord.protocol.CompactReader;
import io.ackcoord.protocol.CompactWriter;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.InvalidRecordException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Ledger records of the formats A wrote before checkpoints (decision 014): read at start-up, so an A upgraded on such
 * a ledger resumes its messages, and written only by tests of that reading. Checkpoints are {@link CheckpointCodec}'s;
 * this class also holds the entry fields both formats share. Keys start with {@code <producerId>|}, so producers
 * sharing a partition never overwrite each other; a tombstone (null value) under a key ends what the key held.
 *
 * <p>Version 5: a batch, key {@code <producerId>|#<batch name>}, holding the entries of many messages
 * ({@link #batchRecord}), each with its secret (receipts derive from it, so it must outlive a restart) and either
 * its payload or, once a send of it is confirmed, the position of its record in topic 1. Version-4 batches (read)
 * always carry the payload, version-3 batches (read) also have no secrets. Version 3: an end record, key {@code <producerId>|!<name>},
 * naming messages that are final ({@link #endRecord}). Version 2 (read, for ledgers written before batches): one message per record, key
 * {@code <producerId>|<messageId>}, value = payload, header {@value #HEADER} = version byte {@code 2}, varints for
 * attempt, accepted-at, sent-at (difference from accepted-at), base timeout and deadline (difference from sent-at),
 * then the content type as UTF-8 prefixed with its length plus one ({@code 0}: none). Version 3 repeats those
 * fields per entry. Version 1 (read): header {@value #VERSION_1_HEADER} = {@code 1} and each field in a readable
 * header, as in a version-1 envelope plus {@value #DEADLINE}.
 */
public final class LedgerCodec {

  /** The one header of a version-2 ledger entry. */
  static final String HEADER = "ackcoord-ledger";
  /** Version 1: the entry's version header. */
  static final String VERSION_1_HEADER = "ackcoord-ledger-version";
  /** Version 1: when the reply to the attempt is due. */
  static final String DEADLINE = "ackcoord-deadline";

  /** Version 3: the header of a batch record. */
  static final String BATCH_HEADER = "ackcoord-ledger-batch";
  /** Version 3: the header of an end record. */
  static final String END_HEADER = "ackcoord-ledger-end";

  static final int MAX_CONTENT_TYPE_BYTES = Short.MAX_VALUE;
  static final int MAX_ID_BYTES = 4 * MessageIds.MAX_LENGTH;

  private LedgerCodec() {
  }

  public static String key(String producerId, String id) {
    return producerId + "|" + id;
  }

  /**
   * A version-2 record: one entry under the message's own key. A writes {@linkplain #batchRecord batches} now; this
   * stays for reading (and testing the reading of) ledgers written before.
   */
  public static ProducerRecord<String, byte[]> toRecord(String topic, int partition, LedgerEntry e) {
    byte[] value = writeFields(new CompactWriter(1 + fieldsSize(e)).writeByte(2), e).toBytes();
    Header[] headers = {new RecordHeader(HEADER, value)};
    return new ProducerRecord<>(topic, partition, key(e.producerId(), e.id()), e.payload(),
        new RecordHeaders(headers));
  }

  /** Bytes an entry takes in a {@linkplain #batchRecord batch}. */
  static int batchEntrySize(LedgerEntry e) {
    Position at = e.position();
    return CompactWriter.stringSize(e.id()) + fieldsSize(e) + 8 + (at == null
        ? 1 + CompactWriter.bytesSize(e.payload().length)
        : CompactWriter.varlongSize(at.partition() + 1L) + CompactWriter.varlongSize(at.offset()));
  }

  /**
   * A version-5 record: the entries of many messages of one producer under one key, {@code <producerId>|#<name>}.
   * Value: version byte {@code 5}, a varint count, then per entry its id, the version-2 fields, the secret (8 bytes),
   * and a varint: {@code 0} followed by the payload (length-prefixed), or the topic-1 partition plus one followed by
   * the record's offset (varint). Header {@value #BATCH_HEADER} = {@code 5} marks it.
   */
  static ProducerRecord<String, byte[]> batchRecord(String topic, int partition, String key,
      List<LedgerEntry> entries) {
    int size = 1 + CompactWriter.varlongSize(entries.size());
    for (LedgerEntry e : entries) {
      size += batchEntrySize(e);
    }
    CompactWriter w = new CompactWriter(size).writeByte(5).varlong(entries.size());
    for (LedgerEntry e : entries) {
      writeFields(w.string(e.id()), e).fixed64(e.secret());
      Position at = e.position();
      if (at == null) {
        w.varlong(0).bytes(e.payload());
      } else {
        w.varlong(at.partition() + 1L).varlong(at.offset());
      }
    }
    Header[] headers = {new RecordHeader(BATCH_HEADER, new byte[] {5})};
    return new ProducerRecord<>(topic, partition, key, w.toBytes(), new RecordHeaders(headers));
  }

  /** The tombstone that ends what {@code key} held. */
  public static ProducerRecord<String, byte[]> tombstone(String topic, int partition, String key) {
    return new ProducerRecord<>(topic, partition, key, null);
  }

  /** The key of a batch record; message ids never contain {@code #}, so it is no message's key. */
  static String batchKey(String producerId, String name) {
    return producerId + "|#" + name;
  }

  /** Whether a ledger key (of a record or a tombstone) is a batch's. */
  static boolean isBatchKey(String key) {
    return kindOf(key) == '#';
  }

  /** The key of an end record; message ids never contain {@code !}. */
  static String endKey(String producerId, String name) {
    return producerId + "|!" + name;
  }

  /** Whether a ledger key (of a record or a tombstone) is an end record's. */
  static boolean isEndKey(String key) {
    return kindOf(key) == '!';
  }

  private static char kindOf(String key) {
    int bar = key.indexOf('|');
    return bar >= 0 && bar + 1 < key.length() ? key.charAt(bar + 1) : 0;
  }

  /**
   * A version-3 end record: the ids of messages that became final, under {@code <producerId>|!<name>}. Value:
   * version byte {@code 3}, a varint count, the ids. Header {@value #END_HEADER} = {@code 3} marks it.
   */
  static ProducerRecord<String, byte[]> endRecord(String topic, int partition, String key, List<String> ids) {
    int size = 1 + CompactWriter.varlongSize(ids.size());
    for (String id : ids) {
      size += CompactWriter.stringSize(id);
    }
    CompactWriter w = new CompactWriter(size).writeByte(3).varlong(ids.size());
    ids.forEach(w::string);
    Header[] headers = {new RecordHeader(END_HEADER, new byte[] {3})};
    return new ProducerRecord<>(topic, partition, key, w.toBytes(), new RecordHeaders(headers));
  }

  /** The ids of a live end record. */
  static List<String> fromEnd(ConsumerRecord<String, byte[]> r) throws InvalidRecordException {
    CompactReader in = versioned(r, END_HEADER, 3, isEndKey(r.key()), "<producerId>|!<end>", "ledger end ");
    int count = (int) in.varlong("count", 0, r.value().length);
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(in.string("id", MAX_ID_BYTES));
    }
    in.end();
    return ids;
  }

  // The value of a record of version `version` (or `version - 1`, for batches), positioned after its version
  // byte, once its header and key are checked.
  private static CompactReader versioned(ConsumerRecord<String, byte[]> r, String header, int version,
      boolean keyFits, String keyForm, String what) throws InvalidRecordException {
    Header h = r.headers().lastHeader(header);
    if (h == null || h.value() == null || h.value().length != 1 || h.value()[0] != version) {
      throw new InvalidRecordException(what.trim() + " without header " + header + " = " + version);
    }
    if (producerOf(r.key()) == null || !keyFits) {
      throw new InvalidRecordException("ledger key '" + r.key() + "' is not " + keyForm);
    }
    CompactReader in = new CompactReader(r.value(), what + r.key());
    int read = in.readByte("version");
    if (read != version) {
      throw new InvalidRecordException("unsupported " + what + "version '" + read + "'");
    }
    return in;
  }

  /** The entries of a live batch record, in the order written (a later one for an id supersedes an earlier one). */
  static List<LedgerEntry> fromBatch(ConsumerRecord<String, byte[]> r) throws InvalidRecordException {
    Header h = r.headers().lastHeader(BATCH_HEADER);
    int version = h != null && h.value() != null && h.value().length == 1 && (h.value()[0] == 3 || h.value()[0] == 4)
        ? h.value()[0] : 5;
    CompactReader in = versioned(r, BATCH_HEADER, version, isBatchKey(r.key()), "<producerId>|#<batch>",
        "ledger batch ");
    String producerId = producerOf(r.key());
    // Each entry takes at least a few bytes: a count larger than the value is corrupt, not a reason to allocate.
    int count = (int) in.varlong("count", 0, r.value().length);
    List<LedgerEntry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String id = in.string("id", MAX_ID_BYTES);
      Fields f = readFields(in);
      long secret = version >= 4 ? in.fixed64("secret") : 0;
      int where = version >= 5 ? (int) in.varlong("partition", 0, Integer.MAX_VALUE) : 0;
      entries.add(where == 0
          ? f.entry(id, producerId, in.bytes("payload", Integer.MAX_VALUE), secret, null)
          : f.entry(id, producerId, null, secret,
              new Position(where - 1, in.varlong("offset", 0, Long.MAX_VALUE))));
    }
    in.end();
    return entries;
  }

  static int fieldsSize(LedgerEntry e) {
    return CompactWriter.varlongSize(e.attempt()) + CompactWriter.varlongSize(e.acceptedAtMillis())
        + CompactWriter.zigzagSize(e.sentAtMillis() - e.acceptedAtMillis())
        + CompactWriter.varlongSize(e.baseTimeoutMillis())
        + CompactWriter.zigzagSize(e.deadlineMillis() - e.sentAtMillis())
        + CompactWriter.nullableStringSize(e.contentType());
  }

  static CompactWriter writeFields(CompactWriter w, LedgerEntry e) {
    return w.varlong(e.attempt())
        .varlong(e.acceptedAtMillis())
        .zigzag(e.sentAtMillis() - e.acceptedAtMillis())
        .varlong(e.baseTimeoutMillis())
        .zigzag(e.deadlineMillis() - e.sentAtMillis())
        .nullableString(e.contentType());
  }

  /** An entry's fields as version 2 and 3 write them, without id, producer and payload. */
  record Fields(int attempt, long acceptedAt, long sentAt, long baseTimeout, long deadline,
      String contentType) {

    LedgerEntry entry(String id, String producerId, byte[] payload, long secret, Position position) {
      return new LedgerEntry(id, producerId, attempt, acceptedAt, sentAt, baseTimeout, deadline, contentType,
          payload, secret, position);
    }
  }

  static Fields readFields(CompactReader in) throws InvalidRecordException {
    int attempt = (int) in.varlong("attempt", 1, Integer.MAX_VALUE);
    long acceptedAt = in.varlong("accepted-at", 0, Long.MAX_VALUE);
    long sentAt = acceptedAt + in.zigzag("sent-at");
    long baseTimeout = in.varlong("timeout", 0, Long.MAX_VALUE);
    // Wall times in a ledger only move a deadline; a corrupt difference yields a deadline that fires at once or late,
    // never an exception.
    long deadline = sentAt + in.zigzag("deadline");
    String contentType = in.nullableString("content type", MAX_CONTENT_TYPE_BYTES);
    return new Fields(attempt, acceptedAt, sentAt, baseTimeout, deadline, contentType);
  }

  /** The producer id of a ledger key, or {@code null} if the key is not one. */
  public static String producerOf(String key) {
    int bar = key == null ? -1 : key.indexOf('|');
    return bar <= 0 ? null : key.substring(0, bar);
  }

  /** The message id of a ledger key. */
  public static String idOf(String key) {
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
    Fields f = readFields(in);
    in.end();
    return f.entry(idOf(r.key()), producerId, r.value(), 0, null);
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

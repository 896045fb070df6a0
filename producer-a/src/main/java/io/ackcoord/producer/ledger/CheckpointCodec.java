package io.ackcoord.producer.ledger;

import io.ackcoord.protocol.CompactReader;
import io.ackcoord.protocol.CompactWriter;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.InvalidRecordException;
import io.ackcoord.tracing.TraceRoot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Checkpoint records on the compacted ledger topic (decision 014). A checkpoint is written under one of two key sets,
 * alternately, so a crash while one is written leaves the other whole: its chunks, {@code <producerId>|~<set>.<n>},
 * then its head, {@code <producerId>|~<set>}. Message ids never contain {@code ~}, so no key of an older ledger format
 * collides.
 *
 * <p>Every value starts with the format version (1) and the checkpoint's sequence number; header {@value #HEADER} =
 * {@code 1} marks them. A chunk then holds a varint count and per entry: its id, the fields {@link LedgerCodec} writes
 * for every version, the secret (8 bytes), a varint that is {@code 0} followed by the payload or the topic-1 partition
 * plus one followed by the offset, the extension used so far, and the dead-letter reason (nullable); a version-2 chunk,
 * written when an entry of it has a trace, ends each entry with a byte that is {@code 0}, or {@code 1} followed by the
 * trace (trace id, 16 bytes; span id, 8; flags, 1). With tracing off nothing changes: chunks stay version 1, which
 * every earlier A reads. A head holds the chunk count, the entry count, the receipt key (16 bytes), the reply offset
 * plus one, the end offsets of topic 1 and of the dead-letter topic (a count, then partition and offset per partition),
 * and the wall time it was composed. The head also carries header {@value #PENDING} with the entry count in decimal, so
 * tools see how much is pending without decoding.
 */
public final class CheckpointCodec {

  /** Marks a checkpoint record; its value is the format version. */
  public static final String HEADER = "ackcoord-checkpoint";
  /** On a head: how many messages the checkpoint holds, in decimal. */
  public static final String PENDING = "ackcoord-checkpoint-pending";
  private static final int VERSION = 1;
  /** Chunks whose entries carry a trace (docs/decisions/015). */
  private static final int TRACED = 2;
  private static final byte[] VERSION_HEADER = {VERSION};
  private static final byte[] TRACED_HEADER = {TRACED};
  /** A trace's bytes in a version-2 entry: trace id, span id, flags. */
  private static final int TRACE_BYTES = 25;

  private CheckpointCodec() {
  }

  /** The key of the head of key set {@code set} (0 or 1). */
  public static String headKey(String producerId, int set) {
    return producerId + "|~" + set;
  }

  /** The key of chunk {@code index} of key set {@code set}. */
  public static String chunkKey(String producerId, int set, int index) {
    return producerId + "|~" + set + "." + index;
  }

  /** Whether a ledger key (of a record or a tombstone) is a checkpoint's, head or chunk. */
  public static boolean isCheckpointKey(String key) {
    int bar = key == null ? -1 : key.indexOf('|');
    return bar > 0 && bar + 1 < key.length() && key.charAt(bar + 1) == '~';
  }

  /** Whether a checkpoint key is a head's. */
  public static boolean isHeadKey(String key) {
    return isCheckpointKey(key) && key.indexOf('.', key.indexOf('|')) < 0;
  }

  /** The key set (0 or 1) of a checkpoint key, or -1. */
  static int setOf(String key) {
    int at = key.indexOf('|') + 2;
    return at < key.length() && (key.charAt(at) == '0' || key.charAt(at) == '1') ? key.charAt(at) - '0' : -1;
  }

  /** The chunk index of a chunk key, or -1. */
  static int chunkIndexOf(String key) {
    int dot = key.indexOf('.', key.indexOf('|'));
    if (dot < 0) {
      return -1;
    }
    try {
      return Integer.parseInt(key.substring(dot + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Bytes an entry takes in a chunk of version 1; one more in a version-2 chunk, and {@link #TRACE_BYTES} more for a
   * trace ({@link #traceSize}).
   */
  static int entrySize(LedgerEntry e) {
    Position at = e.position();
    return CompactWriter.stringSize(e.id()) + LedgerCodec.fieldsSize(e) + 8 + (at == null
        ? 1 + CompactWriter.bytesSize(e.payload().length)
        : CompactWriter.varlongSize(at.partition() + 1L) + CompactWriter.varlongSize(at.offset()))
        + CompactWriter.varlongSize(e.extendedMillis()) + CompactWriter.nullableStringSize(e.deadLetterReason())
        + (e.trace() == null ? 0 : 1 + TRACE_BYTES);
  }

  /** A chunk of checkpoint {@code seq}, holding {@code entries} ({@code bytes}: their {@link #entrySize} sum). */
  static ProducerRecord<String, byte[]> chunk(String topic, int partition, String key, long seq,
      List<LedgerEntry> entries, int bytes) {
    boolean traced = false;
    for (LedgerEntry e : entries) {
      traced |= e.trace() != null;
    }
    int version = traced ? TRACED : VERSION;
    // entrySize counted a traced entry's marker byte; an untraced one's is counted here.
    int untracedMarkers = 0;
    if (traced) {
      for (LedgerEntry e : entries) {
        untracedMarkers += e.trace() == null ? 1 : 0;
      }
    }
    CompactWriter w = new CompactWriter(1 + CompactWriter.varlongSize(seq) + CompactWriter.varlongSize(entries.size())
        + bytes + untracedMarkers).writeByte(version).varlong(seq).varlong(entries.size());
    for (LedgerEntry e : entries) {
      LedgerCodec.writeFields(w.string(e.id()), e).fixed64(e.secret());
      Position at = e.position();
      if (at == null) {
        w.varlong(0).bytes(e.payload());
      } else {
        w.varlong(at.partition() + 1L).varlong(at.offset());
      }
      w.varlong(e.extendedMillis()).nullableString(e.deadLetterReason());
      if (traced) {
        writeTrace(w, e.trace());
      }
    }
    return record(topic, partition, key, w.toBytes(), traced ? TRACED_HEADER : VERSION_HEADER);
  }

  private static void writeTrace(CompactWriter w, TraceRoot t) {
    if (t == null) {
      w.writeByte(0);
    } else {
      w.writeByte(1).fixed64(t.traceIdHigh()).fixed64(t.traceIdLow()).fixed64(t.spanId()).writeByte(t.flags());
    }
  }

  private static TraceRoot readTrace(CompactReader in) throws InvalidRecordException {
    int present = in.readByte("trace");
    if (present == 0) {
      return null;
    }
    long high = in.fixed64("trace id");
    long low = in.fixed64("trace id");
    long span = in.fixed64("span id");
    byte flags = (byte) in.readByte("trace flags");
    if ((high == 0 && low == 0) || span == 0) {
      throw new InvalidRecordException("invalid trace context (zero id)");
    }
    return new TraceRoot(high, low, span, flags);
  }

  /** The head of a checkpoint. */
  static ProducerRecord<String, byte[]> head(String topic, int partition, String key, CheckpointHead h) {
    int size = 1 + CompactWriter.varlongSize(h.seq()) + CompactWriter.varlongSize(h.chunks())
        + CompactWriter.varlongSize(h.pending()) + 16 + CompactWriter.varlongSize(h.replyOffset() + 1)
        + offsetsSize(h.messageEnds()) + offsetsSize(h.deadLetterEnds())
        + CompactWriter.varlongSize(h.writtenAtMillis());
    CompactWriter w = new CompactWriter(size).writeByte(VERSION).varlong(h.seq()).varlong(h.chunks())
        .varlong(h.pending()).fixed64(h.k0()).fixed64(h.k1()).varlong(h.replyOffset() + 1);
    writeOffsets(w, h.messageEnds());
    writeOffsets(w, h.deadLetterEnds());
    ProducerRecord<String, byte[]> r = record(topic, partition, key, w.varlong(h.writtenAtMillis()).toBytes(),
        VERSION_HEADER);
    r.headers().add(PENDING, EnvelopeCodec.ascii(h.pending()));
    return r;
  }

  private static ProducerRecord<String, byte[]> record(String topic, int partition, String key, byte[] value,
      byte[] version) {
    Header[] headers = {new RecordHeader(HEADER, version)};
    return new ProducerRecord<>(topic, partition, key, value, new RecordHeaders(headers));
  }

  private static int offsetsSize(Map<Integer, Long> offsets) {
    int size = CompactWriter.varlongSize(offsets.size());
    for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
      size += CompactWriter.varlongSize(e.getKey()) + CompactWriter.varlongSize(e.getValue());
    }
    return size;
  }

  private static void writeOffsets(CompactWriter w, Map<Integer, Long> offsets) {
    w.varlong(offsets.size());
    // Sorted, so equal checkpoints encode equally.
    new TreeMap<>(offsets).forEach((p, o) -> w.varlong(p).varlong(o));
  }

  private static Map<Integer, Long> readOffsets(CompactReader in) throws InvalidRecordException {
    int n = (int) in.varlong("partitions", 0, 1_000_000);
    Map<Integer, Long> offsets = new HashMap<>();
    for (int i = 0; i < n; i++) {
      offsets.put((int) in.varlong("partition", 0, Integer.MAX_VALUE), in.varlong("offset", 0, Long.MAX_VALUE));
    }
    return offsets;
  }

  /** A reader past the version byte, which must be {@code version} or, where {@code traced} is allowed, 2. */
  private static CompactReader versioned(ConsumerRecord<String, byte[]> r, boolean tracedAllowed)
      throws InvalidRecordException {
    Header h = r.headers().lastHeader(HEADER);
    if (h == null || h.value() == null || h.value().length != 1
        || (h.value()[0] != VERSION && !(tracedAllowed && h.value()[0] == TRACED))) {
      throw new InvalidRecordException("checkpoint record without header " + HEADER + " = " + VERSION
          + (tracedAllowed ? " or " + TRACED : ""));
    }
    CompactReader in = new CompactReader(r.value(), "checkpoint " + r.key());
    int version = in.readByte("version");
    if (version != h.value()[0]) {
      throw new InvalidRecordException("unsupported checkpoint version '" + version + "'");
    }
    return in;
  }

  /** A head record's content. */
  static CheckpointHead fromHead(ConsumerRecord<String, byte[]> r) throws InvalidRecordException {
    CompactReader in = versioned(r, false);
    long seq = in.varlong("seq", 0, Long.MAX_VALUE);
    int chunks = (int) in.varlong("chunks", 0, Integer.MAX_VALUE);
    long pending = in.varlong("pending", 0, Long.MAX_VALUE);
    long k0 = in.fixed64("k0");
    long k1 = in.fixed64("k1");
    long reply = in.varlong("reply offset", 0, Long.MAX_VALUE) - 1;
    Map<Integer, Long> messages = readOffsets(in);
    Map<Integer, Long> deadLetters = readOffsets(in);
    long writtenAt = in.varlong("written-at", 0, Long.MAX_VALUE);
    in.end();
    return new CheckpointHead(seq, chunks, pending, k0, k1, reply, messages, deadLetters, writtenAt);
  }

  /** A chunk's sequence number and entries. */
  record Chunk(long seq, List<LedgerEntry> entries) {
  }

  /** A chunk record's content; {@code producerId} is the key's. */
  static Chunk fromChunk(ConsumerRecord<String, byte[]> r) throws InvalidRecordException {
    CompactReader in = versioned(r, true);
    boolean traced = r.value()[0] == TRACED;
    long seq = in.varlong("seq", 0, Long.MAX_VALUE);
    String producerId = LedgerCodec.producerOf(r.key());
    // Each entry takes at least a few bytes: a count larger than the value is corrupt, not a reason to allocate.
    int count = (int) in.varlong("count", 0, r.value().length);
    List<LedgerEntry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String id = in.string("id", LedgerCodec.MAX_ID_BYTES);
      LedgerCodec.Fields f = LedgerCodec.readFields(in);
      long secret = in.fixed64("secret");
      int where = (int) in.varlong("partition", 0, Integer.MAX_VALUE);
      byte[] payload = where == 0 ? in.bytes("payload", Integer.MAX_VALUE) : null;
      Position at = where == 0 ? null : new Position(where - 1, in.varlong("offset", 0, Long.MAX_VALUE));
      int extended = (int) in.varlong("extended", 0, Integer.MAX_VALUE);
      String reason = in.nullableString("dead-letter reason", 64 * 1024);
      TraceRoot trace = traced ? readTrace(in) : null;
      entries.add(new LedgerEntry(id, producerId, f.attempt(), f.acceptedAt(), f.sentAt(), f.baseTimeout(),
          f.deadline(), f.contentType(), payload, secret, at, extended, reason, trace));
    }
    in.end();
    return new Chunk(seq, entries);
  }

  /** The pending count a head shows in its readable header, or -1: for tools that only count. */
  public static long pendingOf(ConsumerRecord<String, byte[]> r) {
    Header h = r.headers().lastHeader(PENDING);
    try {
      return h == null ? -1 : Long.parseLong(new String(h.value(), StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}

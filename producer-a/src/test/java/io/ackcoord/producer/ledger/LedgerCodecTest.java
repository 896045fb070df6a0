package io.ackcoord.producer.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ackcoord.protocol.InvalidRecordException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LedgerCodecTest {

  private static final LedgerEntry ENTRY = new LedgerEntry("m-1", "a1", 3, 1_700_000_000_000L,
      1_700_000_004_000L, 30_000, 1_700_000_124_000L, "application/json", "{\"x\":1}".getBytes(StandardCharsets.UTF_8));

  private static ConsumerRecord<String, byte[]> consumed(String key, byte[] value, Header... headers) {
    return new ConsumerRecord<>("ledger", 1, 5L, 0L, TimestampType.CREATE_TIME, 0, 0, key, value,
        new RecordHeaders(headers), Optional.empty());
  }

  private static ConsumerRecord<String, byte[]> consumed(ProducerRecord<String, byte[]> r) {
    return new ConsumerRecord<>(r.topic(), r.partition(), 5L, 0L, TimestampType.CREATE_TIME, 0, 0, r.key(),
        r.value(), r.headers(), Optional.empty());
  }

  private static Header text(String name, String value) {
    return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertSameEntry(LedgerEntry actual, LedgerEntry expected) {
    assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
  }

  @Test
  @DisplayName("an entry is one compact header beside the payload, and restores field for field")
  void roundTrip() throws Exception {
    ProducerRecord<String, byte[]> record = LedgerCodec.toRecord("ledger", 1, ENTRY);

    assertThat(record.key()).isEqualTo("a1|m-1");
    assertThat(record.partition()).isEqualTo(1);
    assertThat(record.value()).isSameAs(ENTRY.payload());
    assertThat(record.headers().toArray()).extracting(Header::key).containsExactly(LedgerCodec.HEADER);
    assertThat(record.headers().lastHeader(LedgerCodec.HEADER).value().length)
        .as("version, attempt, accepted-at, two differences, timeout and the content type").isLessThan(36);
    assertSameEntry(LedgerCodec.fromRecord(consumed(record)), ENTRY);

    LedgerEntry plain = new LedgerEntry("id|with|bars", "a1", 1, 5, 5, 0, 2, null, new byte[0]);
    assertSameEntry(LedgerCodec.fromRecord(consumed(LedgerCodec.toRecord("ledger", 0, plain))), plain);
    // A deadline before the send (a clock stepped back) survives too.
    LedgerEntry back = new LedgerEntry("m", "a1", 2, 1000, 900, 10, 800, null, new byte[] {1});
    assertSameEntry(LedgerCodec.fromRecord(consumed(LedgerCodec.toRecord("ledger", 0, back))), back);
  }

  @Test
  @DisplayName("an entry written by the previous version (readable headers) is still restored")
  void version1StillRestored() throws Exception {
    ConsumerRecord<String, byte[]> old = consumed("a1|m-1", ENTRY.payload(), text("ackcoord-ledger-version", "1"),
        text("ackcoord-id", "m-1"), text("ackcoord-producer", "a1"), text("ackcoord-attempt", "3"),
        text("ackcoord-created-at", "1700000000000"), text("ackcoord-sent-at", "1700000004000"),
        text("ackcoord-timeout-ms", "30000"), text("ackcoord-deadline", "1700000124000"),
        text("content-type", "application/json"));

    assertSameEntry(LedgerCodec.fromRecord(old), ENTRY);
  }

  @Test
  @DisplayName("unreadable entries are named, so recovery skips them with a warning instead of failing")
  void invalidEntries() {
    assertThatThrownBy(() -> LedgerCodec.fromRecord(consumed("a1|m", new byte[0])))
        .isInstanceOf(InvalidRecordException.class)
        .hasMessage("ledger record without header ackcoord-ledger or ackcoord-ledger-version");
    assertThatThrownBy(() -> LedgerCodec.fromRecord(consumed("a1|m", new byte[0],
        text("ackcoord-ledger-version", "7")))).hasMessage("unsupported ledger version '7'");
    assertThatThrownBy(() -> LedgerCodec.fromRecord(consumed("a1|m", new byte[0],
        new RecordHeader(LedgerCodec.HEADER, new byte[] {3, 1})))).hasMessage("unsupported ledger version '3'");
    byte[] full = LedgerCodec.toRecord("ledger", 0, ENTRY).headers().lastHeader(LedgerCodec.HEADER).value();
    assertThatThrownBy(() -> LedgerCodec.fromRecord(consumed("no-bar", new byte[0],
        new RecordHeader(LedgerCodec.HEADER, full)))).hasMessageContaining("is not <producerId>|<id>");
    for (int length = 1; length < full.length; length++) {
      byte[] cut = Arrays.copyOf(full, length);
      assertThatThrownBy(() -> LedgerCodec.fromRecord(consumed("a1|m", new byte[0],
          new RecordHeader(LedgerCodec.HEADER, cut)))).as("first %d bytes", length)
          .isInstanceOf(InvalidRecordException.class).hasMessageStartingWith("ledger header ackcoord-ledger: ");
    }
  }

  @Test
  @DisplayName("a batch carries many entries under one key, restores each field for field, and is no message's key")
  void batchRoundTrip() throws Exception {
    LedgerEntry second = new LedgerEntry("m-2", "a1", 1, 5, 5, 0, 2, null, new byte[0], Long.MIN_VALUE);
    LedgerEntry back = new LedgerEntry("m:3@x", "a1", 2, 1000, 900, 10, 800, "text/plain; charset=é", new byte[] {1},
        -42);
    String key = LedgerCodec.batchKey("a1", "k3x.7");
    ProducerRecord<String, byte[]> record = LedgerCodec.batchRecord("ledger", 1, key, List.of(ENTRY, second, back));

    assertThat(record.key()).isEqualTo("a1|#k3x.7");
    assertThat(LedgerCodec.producerOf(record.key())).isEqualTo("a1");
    assertThat(LedgerCodec.isBatchKey(record.key())).isTrue();
    assertThat(LedgerCodec.isBatchKey(LedgerCodec.key("a1", "m-1"))).isFalse();
    assertThat(record.value()).hasSize(2 + LedgerCodec.batchEntrySize(ENTRY) + LedgerCodec.batchEntrySize(second)
        + LedgerCodec.batchEntrySize(back));
    List<LedgerEntry> read = LedgerCodec.fromBatch(consumed(record));
    assertThat(read).hasSize(3);
    assertSameEntry(read.get(0), ENTRY);
    assertSameEntry(read.get(1), second);
    assertSameEntry(read.get(2), back);
    assertThat(LedgerCodec.fromBatch(consumed(LedgerCodec.batchRecord("ledger", 1, key, List.of())))).isEmpty();
  }

  @Test
  @DisplayName("a batch cut short, with a wrong count or without its header is refused, naming the problem")
  void invalidBatches() {
    ProducerRecord<String, byte[]> record = LedgerCodec.batchRecord("ledger", 0, LedgerCodec.batchKey("a1", "b"),
        List.of(ENTRY, ENTRY));
    byte[] full = record.value();
    for (int length = 0; length < full.length; length++) {
      byte[] cut = Arrays.copyOf(full, length);
      assertThatThrownBy(() -> LedgerCodec.fromBatch(consumed("a1|#b", cut, record.headers().toArray())))
          .as("first %d bytes", length).isInstanceOf(InvalidRecordException.class)
          .hasMessageStartingWith("ledger batch a1|#b: ");
    }
    byte[] oneMore = full.clone();
    oneMore[1] = 3;
    assertThatThrownBy(() -> LedgerCodec.fromBatch(consumed("a1|#b", oneMore, record.headers().toArray())))
        .isInstanceOf(InvalidRecordException.class);
    byte[] trailing = Arrays.copyOf(full, full.length + 1);
    assertThatThrownBy(() -> LedgerCodec.fromBatch(consumed("a1|#b", trailing, record.headers().toArray())))
        .hasMessageContaining("unexpected byte(s) after the last field");
    assertThatThrownBy(() -> LedgerCodec.fromBatch(consumed("a1|#b", full)))
        .hasMessage("ledger batch without header ackcoord-ledger-batch = 5");
    assertThatThrownBy(() -> LedgerCodec.fromBatch(consumed("a1|b", full, record.headers().toArray())))
        .hasMessage("ledger key 'a1|b' is not <producerId>|#<batch>");
    byte[] version6 = full.clone();
    version6[0] = 6;
    assertThatThrownBy(() -> LedgerCodec.fromBatch(consumed("a1|#b", version6, record.headers().toArray())))
        .hasMessage("unsupported ledger batch version '6'");
  }

  @Test
  @DisplayName("an entry whose send was confirmed carries its topic-1 position instead of the payload")
  void positionInsteadOfPayload() throws Exception {
    LedgerEntry at = new LedgerEntry("m-2", "a1", 2, 1000, 1200, 30_000, 31_200, "text/plain", null, 7,
        new Position(11, 123_456_789_012L));
    ProducerRecord<String, byte[]> record = LedgerCodec.batchRecord("ledger", 0, "a1|#b", List.of(ENTRY, at));

    assertThat(record.value()).hasSize(2 + LedgerCodec.batchEntrySize(ENTRY) + LedgerCodec.batchEntrySize(at));
    List<LedgerEntry> read = LedgerCodec.fromBatch(consumed(record));
    assertSameEntry(read.get(0), ENTRY);
    assertSameEntry(read.get(1), at);
    assertThat(read.get(1).payload()).isNull();
  }

  @Test
  @DisplayName("version-4 batches (payload always) and version-3 batches (before secrets) are still read")
  void olderBatchesStillRead() throws Exception {
    LedgerEntry entry = new LedgerEntry("m-1", "a1", 3, 1000, 1200, 30_000, 31_200, null, new byte[] {7, 8}, 99);
    byte[] v5 = LedgerCodec.batchRecord("ledger", 0, "a1|#b", List.of(entry)).value();
    // Version 4 is version 5 without the byte saying "the payload follows" (0), right before the payload (3 bytes
    // here); version 3 is version 4 without the 8 bytes of the secret before that.
    byte[] v4 = new byte[v5.length - 1];
    System.arraycopy(v5, 0, v4, 0, v5.length - 3 - 1);
    System.arraycopy(v5, v5.length - 3, v4, v5.length - 3 - 1, 3);
    v4[0] = 4;
    byte[] v3 = new byte[v4.length - 8];
    System.arraycopy(v4, 0, v3, 0, v4.length - 3 - 8);
    System.arraycopy(v4, v4.length - 3, v3, v4.length - 3 - 8, 3);
    v3[0] = 3;

    assertSameEntry(LedgerCodec.fromBatch(consumed("a1|#b", v4,
        new RecordHeader(LedgerCodec.BATCH_HEADER, new byte[] {4}))).get(0), entry);
    assertSameEntry(LedgerCodec.fromBatch(consumed("a1|#b", v3,
        new RecordHeader(LedgerCodec.BATCH_HEADER, new byte[] {3}))).get(0),
        new LedgerEntry("m-1", "a1", 3, 1000, 1200, 30_000, 31_200, null, new byte[] {7, 8}));
  }
}

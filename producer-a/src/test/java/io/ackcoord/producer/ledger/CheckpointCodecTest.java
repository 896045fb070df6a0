package io.ackcoord.producer.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ackcoord.protocol.InvalidRecordException;
import io.ackcoord.tracing.TraceRoot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CheckpointCodecTest {

  private static final TopicPartition LEDGER = new TopicPartition("ledger", 1);
  private static final LedgerEntry AT = new LedgerEntry("m-1", "a1", 3, 1_700_000_000_000L, 1_700_000_001_000L,
      2_000, 1_700_000_009_000L, "application/json", null, -7, new Position(4, 123_456), 1500, null);
  private static final LedgerEntry PAYLOAD = new LedgerEntry("m-2", "a1", 1, 1_700_000_000_000L,
      1_700_000_000_000L, 2_000, 1_700_000_002_000L, null, new byte[] {1, 2, 3}, 9, null, 0, "non-retryable NACK");

  private static ConsumerRecord<String, byte[]> consumed(ProducerRecord<String, byte[]> r) {
    return new ConsumerRecord<>(r.topic(), r.partition(), 0L, 0L, TimestampType.CREATE_TIME, 0, 0, r.key(),
        r.value(), new RecordHeaders(r.headers().toArray()), Optional.empty());
  }

  private static ProducerRecord<String, byte[]> chunk(int set, int index, long seq, LedgerEntry... entries) {
    int bytes = 0;
    for (LedgerEntry e : entries) {
      bytes += CheckpointCodec.entrySize(e);
    }
    return CheckpointCodec.chunk("ledger", 1, CheckpointCodec.chunkKey("a1", set, index), seq, List.of(entries),
        bytes);
  }

  private static ProducerRecord<String, byte[]> head(int set, long seq, int chunks) {
    return CheckpointCodec.head("ledger", 1, CheckpointCodec.headKey("a1", set),
        new CheckpointHead(seq, chunks, 2, 1, 2, 77, Map.of(0, 5L, 3, 9L), Map.of(0, 1L), 1_700_000_000_000L));
  }

  @Test
  @DisplayName("an entry's trace is kept in a version-2 chunk; a chunk without traces stays version 1 (tracing off)")
  void traces() throws Exception {
    TraceRoot trace = TraceRoot.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    LedgerEntry traced = new LedgerEntry("m-3", "a1", 2, 1_700_000_000_000L, 1_700_000_001_000L, 2_000,
        1_700_000_009_000L, null, null, 5, new Position(1, 7), 0, null, trace);
    ProducerRecord<String, byte[]> record = chunk(0, 0, 8, traced, AT);
    assertThat(record.value()[0]).isEqualTo((byte) 2);
    assertThat(record.headers().lastHeader(CheckpointCodec.HEADER).value()).containsExactly(2);
    assertThat(record.value().length).as("sized exactly, with the untraced entry's marker")
        .isEqualTo(3 + CheckpointCodec.entrySize(traced) + CheckpointCodec.entrySize(AT) + 1);
    CheckpointCodec.Chunk c = CheckpointCodec.fromChunk(consumed(record));
    assertThat(c.entries().get(0)).usingRecursiveComparison().isEqualTo(traced);
    assertThat(c.entries().get(0).trace()).isEqualTo(trace);
    assertThat(c.entries().get(1).trace()).isNull();
    assertThat(chunk(0, 0, 8, AT).value()[0]).isEqualTo((byte) 1);
  }

  @Test
  @DisplayName("a chunk keeps every field of its entries: position or payload, secret, extension, dead-letter reason")
  void chunkRoundTrip() throws Exception {
    CheckpointCodec.Chunk c = CheckpointCodec.fromChunk(consumed(chunk(0, 0, 8, AT, PAYLOAD)));
    assertThat(c.seq()).isEqualTo(8);
    assertThat(c.entries()).hasSize(2);
    assertThat(c.entries().get(0)).usingRecursiveComparison().isEqualTo(AT);
    assertThat(c.entries().get(1)).usingRecursiveComparison().isEqualTo(PAYLOAD);
    assertThat(chunk(0, 0, 8, AT, PAYLOAD).value().length).as("sized exactly")
        .isEqualTo(3 + CheckpointCodec.entrySize(AT) + CheckpointCodec.entrySize(PAYLOAD));
  }

  @Test
  @DisplayName("a head keeps its offsets, reply position and key, and shows its count in a readable header")
  void headRoundTrip() throws Exception {
    ConsumerRecord<String, byte[]> r = consumed(head(1, 8, 1));
    CheckpointHead h = CheckpointCodec.fromHead(r);
    assertThat(h).isEqualTo(new CheckpointHead(8, 1, 2, 1, 2, 77, Map.of(0, 5L, 3, 9L), Map.of(0, 1L),
        1_700_000_000_000L));
    assertThat(CheckpointCodec.pendingOf(r)).isEqualTo(2);
  }

  @Test
  @DisplayName("checkpoint keys are told apart from each other and from the keys of older ledger formats")
  void keys() {
    assertThat(CheckpointCodec.headKey("a1", 0)).isEqualTo("a1|~0");
    assertThat(CheckpointCodec.chunkKey("a1", 1, 12)).isEqualTo("a1|~1.12");
    assertThat(CheckpointCodec.isHeadKey("a1|~0")).isTrue();
    assertThat(CheckpointCodec.isHeadKey("a1|~1.12")).isFalse();
    assertThat(CheckpointCodec.isCheckpointKey("a1|~1.12")).isTrue();
    assertThat(CheckpointCodec.isCheckpointKey("a1|#batch")).isFalse();
    assertThat(CheckpointCodec.isCheckpointKey("a1|some-id")).isFalse();
    assertThat(CheckpointCodec.setOf("a1|~1.12")).isEqualTo(1);
    assertThat(CheckpointCodec.chunkIndexOf("a1|~1.12")).isEqualTo(12);
    assertThat(CheckpointCodec.chunkIndexOf("a1|~1")).isEqualTo(-1);
  }

  @Test
  @DisplayName("a truncated or unmarked record is refused with a reason, not half read")
  void invalid() {
    ProducerRecord<String, byte[]> good = chunk(0, 0, 8, AT);
    byte[] cut = java.util.Arrays.copyOf(good.value(), good.value().length - 3);
    assertThatThrownBy(() -> CheckpointCodec.fromChunk(consumed(new ProducerRecord<>("ledger", 1, good.key(), cut,
        good.headers())))).isInstanceOf(InvalidRecordException.class);
    assertThatThrownBy(() -> CheckpointCodec.fromHead(consumed(new ProducerRecord<>("ledger", 1, "a1|~0",
        new byte[] {1, 2})))).isInstanceOf(InvalidRecordException.class).hasMessageContaining("ackcoord-checkpoint");
  }

  @Test
  @DisplayName("a restart takes the newest checkpoint whose chunks all carry its number; a half-written one falls back")
  void newestWhole() {
    Map<String, ConsumerRecord<String, byte[]>> records = new HashMap<>();
    for (ProducerRecord<String, byte[]> r : List.of(chunk(0, 0, 6, AT), head(0, 6, 1),
        chunk(1, 0, 7, PAYLOAD), chunk(1, 1, 7, AT), head(1, 7, 2))) {
      records.put(r.key(), consumed(r));
    }
    KafkaLedger.Found found = KafkaLedger.newest("a1", LEDGER, records);
    assertThat(found.head().seq()).isEqualTo(7);
    assertThat(found.entries()).extracting(LedgerEntry::id).containsExactly("m-2", "m-1");
    assertThat(found.chunksInSet()).containsExactly(1, 2);

    // A crash while checkpoint 8 was written to set 0: its first chunk is new, its head still says 6.
    records.put("a1|~0.0", consumed(chunk(0, 0, 8, PAYLOAD)));
    // And one while checkpoint 9 rewrote set 1: one chunk of 9, the head of 7.
    records.put("a1|~1.1", consumed(chunk(1, 1, 9, PAYLOAD)));
    found = KafkaLedger.newest("a1", LEDGER, records);
    assertThat(found.head()).as("neither set is whole: no checkpoint to trust").isNull();

    records.put("a1|~1.1", consumed(chunk(1, 1, 7, AT)));
    found = KafkaLedger.newest("a1", LEDGER, records);
    assertThat(found.head().seq()).isEqualTo(7);
  }
}

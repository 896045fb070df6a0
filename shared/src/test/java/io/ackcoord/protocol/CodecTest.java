package io.ackcoord.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CodecTest {

  private static ConsumerRecord<String, byte[]> asConsumed(ProducerRecord<String, byte[]> r) {
    return new ConsumerRecord<>(r.topic(), 0, 7L, 0L, TimestampType.CREATE_TIME, 0, 0, r.key(), r.value(),
        r.headers(), java.util.Optional.empty());
  }

  @Test
  @DisplayName("reply parsing: unknown, nested and repeated fields, wrong types and trailing content")
  void replyFieldsEdgeCases() throws Exception {
    Reply r = ReplyCodec.decode(("{\"x\":{\"deep\":[1,{\"v\":2}]},\"v\":1,\"type\":\"NACK\",\"id\":\"m1\","
        + "\"producer\":\"a1\",\"attempt\":3,\"attempt\":2,\"at\":12,\"reason\":\"db\",\"retryable\":true,"
        + "\"f1\":1,\"f2\":2,\"f3\":3,\"f4\":4,\"f5\":5,\"f6\":6,\"f7\":7,\"f8\":8,\"f9\":9,\"z\":null}").getBytes());
    assertThat(r).isEqualTo(new Reply(Reply.Type.NACK, "m1", "a1", 2, null, 12, "db", true, 0));

    assertThatThrownBy(() -> ReplyCodec.decode("{\"v\":1,\"type\":\"ACK\",\"id\":{\"a\":1},\"producer\":\"a\",\"attempt\":1}"
        .getBytes())).isInstanceOf(InvalidRecordException.class).hasMessageContaining("'id'");
    assertThatThrownBy(() -> ReplyCodec.decode("{\"v\":1,\"type\":\"ACK\",\"id\":\"m\",\"producer\":\"a\",\"attempt\":\"1\"}"
        .getBytes())).isInstanceOf(InvalidRecordException.class).hasMessageContaining("'attempt'");
    assertThatThrownBy(() -> ReplyCodec.decode("[1]".getBytes())).isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> ReplyCodec.decode("{\"v\":1} {}".getBytes())).isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> ReplyCodec.decode("{\"v\":1,".getBytes())).isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining("not a JSON object");
  }

  @Test
  @DisplayName("numbers in headers are their decimal digits in ASCII")
  void asciiNumbers() {
    for (long v : new long[] {0, 1, 9, 10, 99, 100, 1_700_000_000_123L, -1, -10, -987_654_321L, Long.MAX_VALUE,
        Long.MIN_VALUE}) {
      assertThat(new String(EnvelopeCodec.ascii(v), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
    }
  }

  @Test
  @DisplayName("each reply type survives a round trip")
  void replyRoundTrip() throws Exception {
    Envelope e = new Envelope("id-1", "a1", 2, 100, 200, 1, 5000, null, new byte[0]);
    for (Reply r : new Reply[] {Reply.ack(e, "b1", 9), Reply.nack(e, "b1", 9, "db down", true),
        Reply.nack(e, "b1", 9, "bad input", false), Reply.inProgress(e, "b1", 9, 30_000)}) {
      ProducerRecord<String, byte[]> record = ReplyCodec.toRecord("t2", e.replyPartition(), r);
      assertThat(record.partition()).isEqualTo(1);
      assertThat(ReplyCodec.fromRecord(asConsumed(record))).isEqualTo(r);
    }
  }

  @Test
  @DisplayName("invalid replies are rejected with the field named")
  void invalidReplies() {
    assertThatThrownBy(() -> ReplyCodec.decode("garbage".getBytes())).isInstanceOf(InvalidRecordException.class)
        .hasMessageStartingWith("reply is not a JSON object");
    assertThatThrownBy(() -> ReplyCodec.decode("{\"v\":2}".getBytes()))
        .hasMessageContaining("unsupported reply version '2'");
    assertThatThrownBy(() -> ReplyCodec.decode("{\"v\":1,\"type\":\"MAYBE\"}".getBytes()))
        .hasMessage("unknown reply type 'MAYBE'");
    assertThatThrownBy(() -> ReplyCodec.decode(
        "{\"v\":1,\"type\":\"ACK\",\"id\":\"x\",\"producer\":\"a\"}".getBytes()))
        .hasMessageContaining("'attempt' missing");
    assertThatThrownBy(() -> ReplyCodec.decode(new byte[0])).hasMessage("empty reply");
  }

  @Test
  @DisplayName("a poison copy keeps the original bytes and says where it came from and why")
  void poison() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("h", new byte[] {1});
    ConsumerRecord<String, byte[]> original = new ConsumerRecord<>("t1", 2, 99L, 0L, TimestampType.CREATE_TIME, 0,
        0, "k", new byte[] {4, 5}, headers, java.util.Optional.empty());

    ProducerRecord<String, byte[]> p = PoisonRecord.of("poison", original, "boom");

    assertThat(p.value()).containsExactly(4, 5);
    assertThat(p.key()).isEqualTo("k");
    assertThat(EnvelopeCodec.optional(p.headers(), PoisonRecord.ERROR)).isEqualTo("boom");
    assertThat(EnvelopeCodec.optional(p.headers(), PoisonRecord.SOURCE)).isEqualTo("t1/2/99");
    assertThat(p.headers().lastHeader("h")).isNotNull();
  }
}

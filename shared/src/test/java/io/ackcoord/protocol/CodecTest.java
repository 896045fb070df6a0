package io.ackcoord.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ackcoord.protocol.ProcessedMarker.Marked;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
  @DisplayName("a v2 batch carries many replies for one producer, keyed by it; each comes back as it went")
  void replyBatchRoundTrip() throws Exception {
    Envelope e1 = new Envelope("m1", "a1", 2, 100, 200, 1, 5000, null, new byte[0]);
    Envelope e2 = new Envelope("m\"2\u00e9", "a1", 1, 100, 200, 1, 5000, null, new byte[0]);
    List<Reply> sent = List.of(Reply.ack(e1, "ignored", 1), Reply.nack(e2, "ignored", 1, "db \"down\"", true),
        Reply.nack(e1, "ignored", 1, "bad", false));

    ProducerRecord<String, byte[]> record = ReplyCodec.toBatchRecord("t2", 1, "a1", "b1", 9, sent);
    assertThat(record.key()).isEqualTo("a1");
    assertThat(record.partition()).isEqualTo(1);
    ReplyCodec.Decoded decoded = ReplyCodec.decodeAll(record.value());

    assertThat(decoded.invalid()).isEmpty();
    assertThat(decoded.replies()).containsExactly(
        new Reply(Reply.Type.ACK, "m1", "a1", 2, "b1", 9, null, false, 0),
        new Reply(Reply.Type.NACK, "m\"2\u00e9", "a1", 1, "b1", 9, "db \"down\"", true, 0),
        new Reply(Reply.Type.NACK, "m1", "a1", 2, "b1", 9, "bad", false, 0));
    assertThatThrownBy(() -> ReplyCodec.encodeBatch("a2", "b1", 9, sent))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("a reply carries a proof of the envelope's receipt, one per reply type, in single and batch records; "
      + "one without reads as 0")
  void proofOfReceipt() throws Exception {
    Envelope e = new Envelope("m1", "a1", 2, 100, 200, 1, 5000, null, new byte[0], -7_000_000_000_000_000_000L);
    Reply ack = Reply.ack(e, "b1", 9);
    Reply progress = Reply.inProgress(e, "b1", 9, 10);
    assertThat(ack.proof()).isEqualTo(Reply.proof(e.receipt(), Reply.Type.ACK)).isNotEqualTo(e.receipt())
        .isNotEqualTo(Reply.nack(e, "b1", 9, "x", true).proof()).isNotEqualTo(progress.proof());
    assertThat(Reply.ack(new Envelope("m1", "a1", 2, 100, 200, 1, 5000, null, new byte[0]), "b1", 9).proof())
        .as("an envelope without a receipt").isZero();
    assertThat(ReplyCodec.decode(ReplyCodec.encode(ack)).proof()).isEqualTo(ack.proof());
    assertThat(ReplyCodec.decodeAll(ReplyCodec.encodeBatch("a1", "b1", 9, List.of(ack, progress))).replies())
        .extracting(Reply::proof).containsExactly(ack.proof(), progress.proof());
    byte[] old = "{\"v\":1,\"type\":\"ACK\",\"id\":\"m1\",\"producer\":\"a1\",\"attempt\":2}".getBytes();
    assertThat(ReplyCodec.decode(old).proof()).isZero();
    byte[] fractional = "{\"v\":1,\"type\":\"ACK\",\"id\":\"m1\",\"producer\":\"a1\",\"attempt\":2,\"proof\":1.5}"
        .getBytes();
    assertThatThrownBy(() -> ReplyCodec.decode(fractional)).hasMessageContaining("'proof'");
    byte[] huge = ("{\"v\":1,\"type\":\"ACK\",\"id\":\"m1\",\"producer\":\"a1\",\"attempt\":2,"
        + "\"proof\":99999999999999999999}").getBytes();
    assertThatThrownBy(() -> ReplyCodec.decode(huge)).hasMessageContaining("'proof'");
  }

  @Test
  @DisplayName("decodeAll reads v1 records too (rolling upgrade), as a batch of one")
  void v1ThroughDecodeAll() throws Exception {
    Envelope e = new Envelope("m1", "a1", 2, 100, 200, 1, 5000, null, new byte[0]);
    Reply progress = Reply.inProgress(e, "b1", 9, 30_000);
    assertThat(ReplyCodec.decodeAll(ReplyCodec.encode(progress)).replies()).containsExactly(progress);
  }

  @Test
  @DisplayName("an invalid entry of a batch is reported and the valid ones are kept; a bad batch header is fatal")
  void invalidBatchEntries() throws Exception {
    ReplyCodec.Decoded decoded = ReplyCodec.decodeAll(("{\"replies\":[{\"type\":\"ACK\",\"id\":\"m1\","
        + "\"attempt\":1},7,{\"type\":\"MAYBE\",\"id\":\"m2\",\"attempt\":1},{\"type\":\"ACK\",\"id\":\"m3\","
        + "\"attempt\":0},{\"type\":\"ACK\",\"id\":\"m4\",\"attempt\":2,\"x\":{\"y\":[1]}}],"
        + "\"v\":2,\"producer\":\"a1\",\"at\":5}").getBytes(StandardCharsets.UTF_8));

    assertThat(decoded.replies()).extracting(Reply::id).containsExactly("m1", "m4");
    assertThat(decoded.replies()).allSatisfy(r -> assertThat(r.producerId()).isEqualTo("a1"));
    assertThat(decoded.invalid()).hasSize(3);
    assertThat(decoded.invalid().get(0)).startsWith("replies[1]");
    assertThat(decoded.invalid().get(1)).contains("unknown reply type 'MAYBE'");
    assertThat(decoded.invalid().get(2)).contains("attempt out of range");

    assertThatThrownBy(() -> ReplyCodec.decodeAll("{\"v\":2,\"replies\":[]}".getBytes()))
        .hasMessageContaining("'producer'");
    assertThatThrownBy(() -> ReplyCodec.decodeAll("{\"v\":2,\"producer\":\"a1\",\"replies\":{}}".getBytes()))
        .hasMessageContaining("'replies'");
    assertThatThrownBy(() -> ReplyCodec.decodeAll("{\"v\":2,\"producer\":\"a1\",\"replies\":[".getBytes()))
        .isInstanceOf(InvalidRecordException.class);
  }

  @Test
  @DisplayName("processed markers: a v3 record names many ids with their MACs, a v2 many ids, a v1 marker (or any "
      + "other value) its key; the last two with MAC 0")
  void processedMarkers() throws Exception {
    ProducerRecord<String, byte[]> batch = ProcessedMarker.toRecord("p", 2, "b1#run#7",
        List.of(new Marked("m1", Long.MIN_VALUE), new Marked("m\"2", 0)), "b1", 9);
    assertThat(batch.key()).isEqualTo("b1#run#7");
    assertThat(batch.partition()).isEqualTo(2);
    assertThat(ProcessedMarker.ids(batch.key(), batch.value()))
        .containsExactly(new Marked("m1", Long.MIN_VALUE), new Marked("m\"2", 0));

    byte[] v2 = "{\"v\":2,\"consumer\":\"b1\",\"at\":9,\"ids\":[\"m6\",\"m7\"]}".getBytes();
    assertThat(ProcessedMarker.ids("k", v2)).containsExactly(new Marked("m6", 0), new Marked("m7", 0));
    byte[] v1 = "{\"v\":1,\"id\":\"m3\",\"attempt\":1,\"consumer\":\"b1\",\"at\":9}".getBytes();
    assertThat(ProcessedMarker.ids("m3", v1)).containsExactly(new Marked("m3", 0));
    assertThat(ProcessedMarker.ids("m4", new byte[0])).containsExactly(new Marked("m4", 0));
    assertThat(ProcessedMarker.ids("m5", null)).containsExactly(new Marked("m5", 0));
    assertThatThrownBy(() -> ProcessedMarker.ids("k", "{\"v\":3,\"ids\":[\"a\",\"b\"],\"macs\":[1]}".getBytes()))
        .hasMessageContaining("'macs'");
    assertThat(ProcessedMarker.ids(null, null)).isEmpty();
    assertThatThrownBy(() -> ProcessedMarker.ids("k", "{\"v\":2,\"ids\":[1]}".getBytes()))
        .isInstanceOf(InvalidRecordException.class);
    assertThatThrownBy(() -> ProcessedMarker.ids("k", "{\"v\":2,\"at\":1}".getBytes()))
        .hasMessageContaining("'ids'");
  }

  @Test
  @DisplayName("invalid replies are rejected with the field named")
  void invalidReplies() {
    assertThatThrownBy(() -> ReplyCodec.decode("garbage".getBytes())).isInstanceOf(InvalidRecordException.class)
        .hasMessageStartingWith("reply is not a JSON object");
    assertThatThrownBy(() -> ReplyCodec.decode("{\"v\":2}".getBytes()))
        .hasMessageContaining("unsupported reply version '2'");
    assertThatThrownBy(() -> ReplyCodec.decodeAll("{\"v\":3}".getBytes()))
        .hasMessageContaining("unsupported reply version '3'");
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

  @Test
  @DisplayName("strings from topic 2 are bounded and cleaned: a forged reason or id can neither flood A nor forge logs")
  void forgedStringsAreBounded() throws Exception {
    String reason = "db down\n12:00:00 INFO forged line" + "x".repeat(2_000_000);
    String batch = "{\"v\":2,\"producer\":\"a1\",\"consumer\":\"b\\u0000\\n" + "c".repeat(10_000) + "\","
        + "\"replies\":[{\"type\":\"NACK\",\"id\":\"m\\r\\n1\",\"attempt\":1,\"reason\":\""
        + reason.replace("\n", "\\n") + "\"},{\"type\":\"BOGUS\\nX\",\"id\":\"m2\",\"attempt\":1}]}";
    ReplyCodec.Decoded decoded = ReplyCodec.decodeAll(batch.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Reply nack = decoded.replies().get(0);
    assertThat(nack.reason()).hasSize(ReplyCodec.MAX_REASON_CHARS).startsWith("db down\uFFFD12:00:00").endsWith("…");
    assertThat(nack.consumerId()).hasSize(ReplyCodec.MAX_NAME_CHARS).startsWith("b\uFFFD\uFFFDc");
    assertThat(nack.id()).isEqualTo("m\uFFFD\uFFFD1");
    assertThat(decoded.invalid()).singleElement().asString().doesNotContain("\n").contains("BOGUS");
  }
}

package io.ackcoord.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {

  private static final Envelope E = new Envelope("id-1", "a1", 3, 100, 200, 2, 5000, "text/plain",
      "{\"x\":1}".getBytes(StandardCharsets.UTF_8));

  // The version-2 header of E, byte by byte: what a reader of another build must understand.
  private static final byte[] E_V2 = {
      2,                                        // version
      3,                                        // attempt
      100,                                      // created-at
      (byte) 0xC8, 1,                           // sent-at - created-at = 100, zigzag 200
      2,                                        // reply partition
      (byte) 0x88, 0x27,                        // timeout 5000
      2, 'a', '1',                              // producer id
      11, 't', 'e', 'x', 't', '/', 'p', 'l', 'a', 'i', 'n'};  // content type: length + 1, UTF-8

  /** E as A sends it now: with a receipt. */
  private static final Envelope E3 = new Envelope("id-1", "a1", 3, 100, 200, 2, 5000, "text/plain",
      "{\"x\":1}".getBytes(StandardCharsets.UTF_8), 0x0102030405060708L);

  // The version-3 header of E3: version 2's with version byte 3, then the receipt as 8 bytes, big-endian.
  private static final byte[] E_V3 = v3Header();

  private static byte[] v3Header() {
    byte[] v3 = Arrays.copyOf(E_V2, E_V2.length + 8);
    v3[0] = 3;
    for (int i = 0; i < 8; i++) {
      v3[E_V2.length + i] = (byte) (i + 1);
    }
    return v3;
  }

  private static ConsumerRecord<String, byte[]> consumed(String key, byte[] value, Header... headers) {
    return new ConsumerRecord<>("t1", 0, 7L, 0L, TimestampType.CREATE_TIME, 0, 0, key, value,
        new RecordHeaders(headers), Optional.empty());
  }

  private static ConsumerRecord<String, byte[]> consumed(ProducerRecord<String, byte[]> r) {
    return new ConsumerRecord<>(r.topic(), 0, 7L, 0L, TimestampType.CREATE_TIME, 0, 0, r.key(), r.value(),
        r.headers(), Optional.empty());
  }

  private static ConsumerRecord<String, byte[]> v2(byte[] header) {
    return consumed("id-1", new byte[] {9}, new RecordHeader(EnvelopeCodec.HEADER, header));
  }

  private static Header text(String name, String value) {
    return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("version 3: key = id, value = the payload untouched, everything else (receipt included) in one header")
  void version3Layout() throws Exception {
    ProducerRecord<String, byte[]> record = EnvelopeCodec.toRecord("t1", E3);

    assertThat(record.key()).isEqualTo("id-1");
    assertThat(record.value()).isSameAs(E3.payload());
    assertThat(record.headers().toArray()).hasSize(1);
    assertThat(record.headers().lastHeader(EnvelopeCodec.HEADER).value()).containsExactly(E_V3);
    assertThat(EnvelopeCodec.fromRecord(consumed(record))).isEqualTo(E3);
  }

  @Test
  @DisplayName("version 2 (no receipt) is still read, as receipt 0: records written before an upgrade")
  void version2StillRead() throws Exception {
    assertThat(EnvelopeCodec.fromRecord(consumed("id-1", E.payload(), new RecordHeader(EnvelopeCodec.HEADER, E_V2))))
        .isEqualTo(E);
  }

  @Test
  @DisplayName("a dead letter (version 1) does not carry the receipt: it is a secret")
  void readableRecordHidesReceipt() throws Exception {
    assertThat(EnvelopeCodec.fromRecord(consumed(EnvelopeCodec.toReadableRecord("dead", E3))).receipt()).isZero();
  }

  @Test
  @DisplayName("version 2 round trip at the edges: no content type, non-ASCII text, extreme numbers, clock stepped back")
  void version2RoundTrips() throws Exception {
    for (Envelope e : new Envelope[] {
        new Envelope("m", "p", 1, 0, 0, 0, 0, null, new byte[0]),
        new Envelope("ü-1", "producteur-é-\uD83D\uDE80", Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
            Integer.MAX_VALUE, Long.MAX_VALUE, "text/plain; charset=ünicode", new byte[] {0, -1}),
        new Envelope("m", "p", 2, 1_700_000_000_123L, 1_699_999_999_000L, 7, 30_000, "application/json",
            new byte[] {1}),
        new Envelope("m", "p", 2, Long.MAX_VALUE, 0, 7, 30_000, null, new byte[] {1})}) {
      assertThat(EnvelopeCodec.fromRecord(consumed(EnvelopeCodec.toRecord("t1", e)))).isEqualTo(e);
    }
  }

  @Test
  @DisplayName("version 1 (readable headers) is still read: records from before an upgrade, and dead letters")
  void version1StillRead() throws Exception {
    // Exactly what the previous build wrote.
    ConsumerRecord<String, byte[]> old = consumed("id-1", E.payload(), text("ackcoord-version", "1"),
        text("ackcoord-id", "id-1"), text("ackcoord-producer", "a1"), text("ackcoord-attempt", "3"),
        text("ackcoord-created-at", "100"), text("ackcoord-sent-at", "200"), text("ackcoord-reply-partition", "2"),
        text("ackcoord-timeout-ms", "5000"), text("content-type", "text/plain"));
    assertThat(EnvelopeCodec.fromRecord(old)).isEqualTo(E);

    ProducerRecord<String, byte[]> readable = EnvelopeCodec.toReadableRecord("dead", E);
    assertThat(Arrays.stream(readable.headers().toArray()).map(Header::key)).containsExactly("ackcoord-version",
        "ackcoord-id", "ackcoord-producer", "ackcoord-attempt", "ackcoord-created-at", "ackcoord-sent-at",
        "ackcoord-reply-partition", "ackcoord-timeout-ms", "content-type");
    assertThat(EnvelopeCodec.fromRecord(consumed(readable))).isEqualTo(E);
  }

  @Test
  @DisplayName("tools read any field by its version-1 name from either version")
  void optionalFromEitherVersion() {
    for (ProducerRecord<String, byte[]> r : java.util.List.of(EnvelopeCodec.toRecord("t1", E),
        EnvelopeCodec.toReadableRecord("t1", E))) {
      var h = r.headers();
      assertThat(EnvelopeCodec.optional(h, EnvelopeCodec.ATTEMPT)).isEqualTo("3");
      assertThat(EnvelopeCodec.optional(h, EnvelopeCodec.PRODUCER)).isEqualTo("a1");
      assertThat(EnvelopeCodec.optional(h, EnvelopeCodec.CREATED_AT)).isEqualTo("100");
      assertThat(EnvelopeCodec.optional(h, EnvelopeCodec.SENT_AT)).isEqualTo("200");
      assertThat(EnvelopeCodec.optional(h, EnvelopeCodec.REPLY_PARTITION)).isEqualTo("2");
      assertThat(EnvelopeCodec.optional(h, EnvelopeCodec.TIMEOUT_MS)).isEqualTo("5000");
      assertThat(EnvelopeCodec.optional(h, EnvelopeCodec.CONTENT_TYPE)).isEqualTo("text/plain");
      assertThat(EnvelopeCodec.optional(h, "ackcoord-dead-letter-reason")).isNull();
    }
    var v2 = EnvelopeCodec.toRecord("t1", E).headers();
    assertThat(EnvelopeCodec.optional(v2, EnvelopeCodec.VERSION)).isEqualTo("3");
    assertThat(EnvelopeCodec.optional(v2, EnvelopeCodec.ID)).as("the id is the key").isNull();
    assertThat(EnvelopeCodec.optional(v2(new byte[] {2, 0}).headers(), EnvelopeCodec.ATTEMPT))
        .as("unreadable").isNull();
    assertThat(EnvelopeCodec.optional(EnvelopeCodec.toReadableRecord("t1", E).headers(), EnvelopeCodec.ID))
        .isEqualTo("id-1");
  }

  @Test
  @DisplayName("records that are not envelopes are rejected with the header named")
  void notEnvelopes() {
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(consumed("k", new byte[] {1})))
        .isInstanceOf(InvalidRecordException.class)
        .hasMessage("missing header ackcoord (envelope versions 2 and 3) or ackcoord-version (version 1)");
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(v2(new byte[0]))).hasMessage("header ackcoord is empty");
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(consumed(null, new byte[0],
        new RecordHeader(EnvelopeCodec.HEADER, E_V2)))).hasMessageContaining("record without a key");
    byte[] v4 = E_V3.clone();
    v4[0] = 4;
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(v2(v4)))
        .hasMessage("unsupported envelope version '4' in header ackcoord (this build reads versions 1 to 3)");
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(v2(Arrays.copyOf(E_V3, E_V3.length - 1))))
        .hasMessageContaining("receipt");
  }

  @Test
  @DisplayName("a record with version 1's version header is read as version 1, whatever else it carries")
  void version1HeaderDecides() {
    ProducerRecord<String, byte[]> both = EnvelopeCodec.toRecord("t1", E);
    both.headers().add(EnvelopeCodec.VERSION, "2".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(consumed(both)))
        .hasMessageStartingWith("unsupported envelope version '2' in header ackcoord-version");
  }

  @Test
  @DisplayName("version 1: bad headers are named")
  void badVersion1() {
    ProducerRecord<String, byte[]> future = EnvelopeCodec.toReadableRecord("t1", E);
    future.headers().remove(EnvelopeCodec.VERSION).add(EnvelopeCodec.VERSION, "9".getBytes());
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(consumed(future)))
        .hasMessageContaining("unsupported envelope version '9'");

    ProducerRecord<String, byte[]> badAttempt = EnvelopeCodec.toReadableRecord("t1", E);
    badAttempt.headers().remove(EnvelopeCodec.ATTEMPT).add(EnvelopeCodec.ATTEMPT, "x".getBytes());
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(consumed(badAttempt)))
        .hasMessage("header ackcoord-attempt is not a number: 'x'");

    ProducerRecord<String, byte[]> noProducer = EnvelopeCodec.toReadableRecord("t1", E);
    noProducer.headers().remove(EnvelopeCodec.PRODUCER);
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(consumed(noProducer)))
        .hasMessage("missing header ackcoord-producer");

    ProducerRecord<String, byte[]> wrongKey = new ProducerRecord<>("t1", null, "other", new byte[0],
        EnvelopeCodec.toReadableRecord("t1", E).headers());
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(consumed(wrongKey)))
        .hasMessageContaining("differs from header ackcoord-id");
  }

  @Test
  @DisplayName("version 2: every truncation is rejected and names where it stopped")
  void truncatedVersion2() throws Exception {
    for (Envelope e : new Envelope[] {E, new Envelope("m", "a1", 300, 1_700_000_000_123L, 1_700_000_000_200L, 2,
        30_000, null, new byte[0])}) {
      byte[] full = EnvelopeCodec.toRecord("t1", e).headers().lastHeader(EnvelopeCodec.HEADER).value();
      for (int length = 1; length < full.length; length++) {
        byte[] cut = Arrays.copyOf(full, length);
        assertThatThrownBy(() -> EnvelopeCodec.fromRecord(v2(cut))).as("first %d bytes", length)
            .isInstanceOf(InvalidRecordException.class).hasMessageStartingWith("header ackcoord: ")
            .satisfies(t -> assertThat(t.getMessage()).containsAnyOf("truncated at", "remain"));
      }
    }
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(v2(new byte[] {2, (byte) 0xAC})))
        .hasMessage("header ackcoord: truncated at attempt (2 bytes)");
    // Cut inside the content type: the length says more than is left.
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(v2(Arrays.copyOf(E_V2, E_V2.length - 1))))
        .hasMessage("header ackcoord: content type is 10 bytes but only 9 remain");
  }

  @Test
  @DisplayName("version 2: corrupt fields are named, never an exception B does not expect")
  void corruptVersion2() {
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(v2(new byte[] {2, 0})))
        .hasMessage("header ackcoord: attempt out of range [1, 2147483647]: 0");
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(v2(new byte[] {2, -1, -1, -1, -1, 15})))
        .hasMessage("header ackcoord: attempt out of range [1, 2147483647]: 4294967295");
    byte[] tooLong = new byte[13];
    Arrays.fill(tooLong, (byte) 0xFF);
    tooLong[0] = 2;
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(v2(tooLong)))
        .hasMessage("header ackcoord: attempt is not a valid varint (over 64 bits)");
    // created-at Long.MAX_VALUE plus one: an overflowing sent-at.
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(v2(new byte[] {2, 1, -1, -1, -1, -1, -1, -1, -1, -1, 127, 2})))
        .hasMessageContaining("sent-at out of range");
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(v2(new byte[] {2, 1, 0, 0, 0, 0, -1, -1, -1, -1, 7, 'a'})))
        .hasMessage("header ackcoord: producer id length out of range [0, 32767]: 2147483647");
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(v2(new byte[] {2, 1, 0, 0, 0, 0, 0, 0})))
        .hasMessage("header ackcoord: empty producer id");
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(v2(new byte[] {2, 1, 0, 0, 0, 0, 1, 'p', -1, -1, 3})))
        .hasMessage("header ackcoord: content type length out of range [0, 32768]: 65535");
    byte[] trailing = Arrays.copyOf(E_V2, E_V2.length + 1);
    assertThatThrownBy(() -> EnvelopeCodec.fromRecord(v2(trailing)))
        .hasMessage("header ackcoord: 1 unexpected byte(s) after the last field");
  }

  @Test
  @DisplayName("version 2: random and mutated header values give an envelope or an InvalidRecordException, nothing else")
  void fuzzVersion2() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 20_000; i++) {
      byte[] value;
      if (i % 2 == 0) {
        value = new byte[random.nextInt(0, 40)];
        for (int j = 0; j < value.length; j++) {
          value[j] = (byte) random.nextInt(256);
        }
        if (value.length > 0) {
          value[0] = 2;
        }
      } else {
        value = E_V2.clone();
        for (int flips = random.nextInt(1, 4); flips > 0; flips--) {
          value[random.nextInt(1, value.length)] = (byte) random.nextInt(256);
        }
      }
      ConsumerRecord<String, byte[]> record = v2(value);
      try {
        Envelope e = EnvelopeCodec.fromRecord(record);
        assertThat(e.attempt()).isPositive();
        assertThat(e.sentAtMillis()).isNotNegative();
      } catch (InvalidRecordException expected) {
        assertThat(expected.getMessage()).startsWith("header ackcoord");
      }
    }
  }
}

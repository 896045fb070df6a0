package io.ackcoord.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CompactWriterTest {

  @Test
  @DisplayName("varints and zigzag varints read back, and take the size they announce")
  void numbers() throws Exception {
    long[] values = {0, 1, 63, 64, 127, 128, 300, 16_383, 16_384, Integer.MAX_VALUE, 1_700_000_000_123L,
        Long.MAX_VALUE, -1, -64, -65, Long.MIN_VALUE};
    for (long v : values) {
      byte[] unsigned = new CompactWriter(CompactWriter.varlongSize(v)).varlong(v).toBytes();
      assertThat(new CompactReader(unsigned, "t").varlong("v", Long.MIN_VALUE, Long.MAX_VALUE)).isEqualTo(v);
      byte[] signed = new CompactWriter(CompactWriter.zigzagSize(v)).zigzag(v).toBytes();
      CompactReader r = new CompactReader(signed, "t");
      assertThat(r.zigzag("v")).isEqualTo(v);
      r.end();
    }
    assertThat(CompactWriter.varlongSize(127)).isEqualTo(1);
    assertThat(CompactWriter.varlongSize(128)).isEqualTo(2);
    assertThat(CompactWriter.zigzagSize(-64)).isEqualTo(1);
    assertThat(CompactWriter.varlongSize(-1)).isEqualTo(10);
  }

  @Test
  @DisplayName("byte arrays read back, an empty one included, and a length past the end is refused")
  void byteArrays() throws Exception {
    byte[] first = {1, 2, (byte) 0xFF};
    byte[] second = new byte[200];
    second[199] = 9;
    byte[] written = new CompactWriter(CompactWriter.bytesSize(3) + CompactWriter.bytesSize(0)
        + CompactWriter.bytesSize(200)).bytes(first).bytes(new byte[0]).bytes(second).toBytes();
    CompactReader r = new CompactReader(written, "t");
    assertThat(r.bytes("a", 3)).containsExactly(first);
    assertThat(r.hasMore()).isTrue();
    assertThat(r.bytes("b", 3)).isEmpty();
    assertThat(r.bytes("c", 200)).containsExactly(second);
    assertThat(r.hasMore()).isFalse();
    r.end();

    byte[] cut = Arrays.copyOf(written, written.length - 1);
    CompactReader short1 = new CompactReader(cut, "t");
    short1.bytes("a", 3);
    short1.bytes("b", 3);
    assertThatThrownBy(() -> short1.bytes("c", 200))
        .isInstanceOf(InvalidRecordException.class).hasMessageContaining("c is 200 bytes but only 199 remain");
    assertThatThrownBy(() -> new CompactReader(written, "t").bytes("a", 2))
        .isInstanceOf(InvalidRecordException.class).hasMessageContaining("out of range");
  }

  @Test
  @DisplayName("strings are the same UTF-8 as String.getBytes, unpaired surrogates included")
  void strings() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    char[] alphabet = {'a', 'Z', '0', '|', 'é', 'ß', '€', '中', '\uD83D', '\uDE80', '\uDBFF', '\uDC00', '\u07FF',
        '\u0800', '\uFFFF'};
    for (int i = 0; i < 5_000; i++) {
      StringBuilder s = new StringBuilder();
      for (int n = random.nextInt(0, 12); n > 0; n--) {
        s.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String text = s.toString();
      byte[] expected = text.getBytes(StandardCharsets.UTF_8);
      byte[] written = new CompactWriter(CompactWriter.stringSize(text)).string(text).toBytes();
      CompactReader r = new CompactReader(written, "t");
      assertThat(r.varlong("length", 0, 100)).isEqualTo(expected.length);
      assertThat(java.util.Arrays.copyOfRange(written, written.length - expected.length, written.length))
          .as(text).containsExactly(expected);
      assertThat(new CompactReader(written, "t").string("s", 100))
          .isEqualTo(new String(expected, StandardCharsets.UTF_8));
      byte[] nullable = new CompactWriter(CompactWriter.nullableStringSize(text)).nullableString(text).toBytes();
      assertThat(new CompactReader(nullable, "t").nullableString("s", 100))
          .isEqualTo(new String(expected, StandardCharsets.UTF_8));
    }
  }

  @Test
  @DisplayName("a null string is one zero byte, and reads back as null, not as the empty string")
  void nullableStrings() throws Exception {
    assertThat(new CompactWriter(CompactWriter.nullableStringSize(null)).nullableString(null).toBytes())
        .containsExactly(0);
    assertThat(new CompactReader(new byte[] {0}, "t").nullableString("s", 10)).isNull();
    assertThat(new CompactWriter(CompactWriter.nullableStringSize("")).nullableString("").toBytes())
        .containsExactly(1);
    assertThat(new CompactReader(new byte[] {1}, "t").nullableString("s", 10)).isEmpty();
  }
}

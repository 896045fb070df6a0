package io.ackcoord.hash;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SipHashTest {

  // The reference test vectors: key 00 01 .. 0f, message 00 01 .. (n - 1); here the even lengths 0 .. 16.
  private static final long[] EVEN_LENGTHS = {
      0x726fdb47dd0e0e31L, 0x0d6c8009d9a94f5aL, 0xcf2794e0277187b7L, 0xcbc9466e58fee3ceL, 0x93f5f5799a932462L,
      0x7a5dbbc594ddb9f3L, 0x751e8fbc860ee5fbL, 0xf723ca908e7af2eeL, 0x3f2acc7f57c29bdbL};

  // The 128-bit ones for 0, 2 and 4 bytes, as two little-endian longs each.
  private static final long[][] WIDE = {
      {0xe6a825ba047f81a3L, 0x930255c71472f66dL},
      {0xc75da4a48d227781L, 0xe4ff0af6de8ba3fcL},
      {0xaf8f9c2dc16481f8L, 0x7955cd7b7c6e0f7dL}};

  @Test
  @DisplayName("matches the SipHash-2-4 64-bit reference vectors, a char being two bytes, low byte first")
  void referenceVectors() {
    SipHash sip = referenceKey();
    for (int chars = 0; chars < EVEN_LENGTHS.length; chars++) {
      assertThat(sip.hash64(message(chars))).as("%d bytes", 2 * chars).isEqualTo(EVEN_LENGTHS[chars]);
    }
  }

  @Test
  @DisplayName("matches the SipHash-2-4 128-bit reference vectors")
  void wideReferenceVectors() {
    SipHash sip = referenceKey();
    for (int chars = 0; chars < WIDE.length; chars++) {
      long first = sip.hash128(message(chars));
      assertThat(new long[] {first, sip.second()}).as("%d bytes", 2 * chars).containsExactly(WIDE[chars]);
    }
  }

  @Test
  @DisplayName("hashLong is SipHash-2-4 of a long's 8 bytes, little-endian: the 8-byte reference vector")
  void longReferenceVector() {
    assertThat(SipHash.hashLong(0x0706050403020100L, 0x0f0e0d0c0b0a0908L, 0x0706050403020100L))
        .isEqualTo(0x93f5f5799a932462L)
        .isEqualTo(referenceKey().hash64(message(4)));
  }

  @Test
  @DisplayName("another key gives another hash")
  void keyed() {
    assertThat(new SipHash(1, 2).hash128("id-1")).isNotEqualTo(new SipHash(1, 3).hash128("id-1"));
  }

  private static SipHash referenceKey() {
    return new SipHash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L);
  }

  /** The bytes 00 01 .. (2 chars - 1) as UTF-16LE chars. */
  private static String message(int chars) {
    StringBuilder message = new StringBuilder();
    for (int i = 0; i < chars; i++) {
      message.append((char) (2 * i | (2 * i + 1) << 8));
    }
    return message.toString();
  }
}

package io.ackcoord.protocol;

/**
 * Writes the fields of a compact binary header value into an array of exactly the right size: unsigned LEB128
 * varints (Kafka's and protobuf's encoding), zigzag varints for signed differences, and length-prefixed UTF-8.
 *
 * <p>Sizes are computed before anything is written ({@link #varlongSize}, {@link #stringSize}), so a header value
 * costs one allocation and no intermediate byte arrays. {@link CompactReader} reads what this writes.
 */
public final class CompactWriter {

  private final byte[] bytes;
  private int position;

  /** @param size the exact number of bytes that will be written, the sum of the fields' sizes */
  public CompactWriter(int size) {
    this.bytes = new byte[size];
  }

  /** Bytes an unsigned varint of {@code value} takes; negative values take 10. */
  public static int varlongSize(long value) {
    int size = 1;
    for (long v = value; (v & ~0x7FL) != 0; v >>>= 7) {
      size++;
    }
    return size;
  }

  /** Bytes a zigzag varint of {@code value} takes. */
  public static int zigzagSize(long value) {
    return varlongSize(zigzagBits(value));
  }

  /** Bytes {@link #string} takes for {@code s}: its UTF-8 length as a varint, then the UTF-8 bytes. */
  public static int stringSize(String s) {
    int length = utf8Length(s);
    return varlongSize(length) + length;
  }

  /** Bytes {@link #nullableString} takes for {@code s}. */
  public static int nullableStringSize(String s) {
    if (s == null) {
      return 1;
    }
    int length = utf8Length(s);
    return varlongSize(length + 1L) + length;
  }

  /** Bytes {@link #bytes} takes for {@code length} bytes: the length as a varint, then the bytes. */
  public static int bytesSize(int length) {
    return varlongSize(length) + length;
  }

  public CompactWriter writeByte(int value) {
    bytes[position++] = (byte) value;
    return this;
  }

  /** An unsigned varint: seven bits per byte, low bits first, the high bit set on every byte but the last. */
  public CompactWriter varlong(long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      bytes[position++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    bytes[position++] = (byte) v;
    return this;
  }

  /** A signed value as a zigzag varint, so that small negative numbers stay small. */
  public CompactWriter zigzag(long value) {
    return varlong(zigzagBits(value));
  }

  /**
   * {@code s} as its UTF-8 length (a varint) and its UTF-8 bytes, encoded straight into the array. An unpaired
   * surrogate becomes {@code '?'}, as {@code String.getBytes(UTF_8)} does.
   */
  public CompactWriter string(String s) {
    varlong(utf8Length(s));
    return utf8(s);
  }

  /**
   * {@code s} or {@code null}: a varint of the UTF-8 length plus one ({@code 0} for {@code null}), then the bytes.
   * Every field stays present, so a value cut short is always detected.
   */
  public CompactWriter nullableString(String s) {
    if (s == null) {
      return writeByte(0);
    }
    varlong(utf8Length(s) + 1L);
    return utf8(s);
  }

  /** {@code value} as 8 bytes, big-endian: for random values (receipts), which a varint would only lengthen. */
  public CompactWriter fixed64(long value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      bytes[position++] = (byte) (value >>> shift);
    }
    return this;
  }

  /** {@code b} as its length (a varint) and its bytes. */
  public CompactWriter bytes(byte[] b) {
    varlong(b.length);
    System.arraycopy(b, 0, bytes, position, b.length);
    position += b.length;
    return this;
  }

  private CompactWriter utf8(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes[position++] = (byte) c;
      } else if (c < 0x800) {
        bytes[position++] = (byte) (0xC0 | c >> 6);
        bytes[position++] = (byte) (0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        bytes[position++] = (byte) (0xF0 | cp >> 18);
        bytes[position++] = (byte) (0x80 | cp >> 12 & 0x3F);
        bytes[position++] = (byte) (0x80 | cp >> 6 & 0x3F);
        bytes[position++] = (byte) (0x80 | cp & 0x3F);
      } else if (Character.isSurrogate(c)) {
        bytes[position++] = '?';
      } else {
        bytes[position++] = (byte) (0xE0 | c >> 12);
        bytes[position++] = (byte) (0x80 | c >> 6 & 0x3F);
        bytes[position++] = (byte) (0x80 | c & 0x3F);
      }
    }
    return this;
  }

  /** The written bytes; the writer must have been given exactly their size. */
  public byte[] toBytes() {
    if (position != bytes.length) {
      throw new IllegalStateException("wrote " + position + " of " + bytes.length + " bytes");
    }
    return bytes;
  }

  private static long zigzagBits(long value) {
    return (value << 1) ^ (value >> 63);
  }

  private static int utf8Length(String s) {
    int length = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        length++;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        length += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        length++;
      } else {
        length += 3;
      }
    }
    return length;
  }
}

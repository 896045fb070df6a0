package io.ackcoord.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the fields {@link CompactWriter} wrote, checking every varint and length against what is left, so that a
 * truncated or corrupt value fails with an {@link InvalidRecordException} naming the field, never with an index or
 * arithmetic exception.
 */
public final class CompactReader {

  private final byte[] bytes;
  private final String what;
  private int position;

  /**
   * @param bytes the header value
   * @param what  what the value is, for error messages (e.g. {@code "header ackcoord"})
   */
  public CompactReader(byte[] bytes, String what) {
    this.bytes = bytes;
    this.what = what;
  }

  public int readByte(String field) throws InvalidRecordException {
    if (position >= bytes.length) {
      throw truncated(field);
    }
    return bytes[position++] & 0xFF;
  }

  /** An unsigned varint in {@code [min, max]}. */
  public long varlong(String field, long min, long max) throws InvalidRecordException {
    long value = raw(field);
    // Unsigned: a value of 2^63 or more reads as negative and is out of every range we use.
    if (value < min || value > max) {
      throw new InvalidRecordException(what + ": " + field + " out of range [" + min + ", " + max + "]: "
          + Long.toUnsignedString(value));
    }
    return value;
  }

  /** What {@link CompactWriter#fixed64} wrote. */
  public long fixed64(String field) throws InvalidRecordException {
    if (bytes.length - position < 8) {
      throw truncated(field);
    }
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = value << 8 | (bytes[position++] & 0xFF);
    }
    return value;
  }

  /** A zigzag varint. */
  public long zigzag(String field) throws InvalidRecordException {
    long raw = raw(field);
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** A length-prefixed UTF-8 string of at most {@code maxBytes} bytes. */
  public String string(String field, int maxBytes) throws InvalidRecordException {
    return utf8(field, (int) varlong(field + " length", 0, maxBytes));
  }

  /** What {@link CompactWriter#nullableString} wrote: a string of at most {@code maxBytes} bytes, or {@code null}. */
  public String nullableString(String field, int maxBytes) throws InvalidRecordException {
    int lengthPlusOne = (int) varlong(field + " length", 0, maxBytes + 1L);
    return lengthPlusOne == 0 ? null : utf8(field, lengthPlusOne - 1);
  }

  /** What {@link CompactWriter#bytes} wrote: at most {@code maxBytes} bytes. */
  public byte[] bytes(String field, int maxBytes) throws InvalidRecordException {
    int length = (int) varlong(field + " length", 0, maxBytes);
    need(field, length);
    byte[] b = Arrays.copyOfRange(bytes, position, position + length);
    position += length;
    return b;
  }

  /** Whether bytes are left to read. */
  public boolean hasMore() {
    return position < bytes.length;
  }

  private String utf8(String field, int length) throws InvalidRecordException {
    need(field, length);
    String s = new String(bytes, position, length, StandardCharsets.UTF_8);
    position += length;
    return s;
  }

  private void need(String field, int length) throws InvalidRecordException {
    if (length > bytes.length - position) {
      throw new InvalidRecordException(what + ": " + field + " is " + length + " bytes but only "
          + (bytes.length - position) + " remain");
    }
  }

  /** Fails if bytes are left over: a value of a known version has nothing after its last field. */
  public void end() throws InvalidRecordException {
    if (position != bytes.length) {
      throw new InvalidRecordException(what + ": " + (bytes.length - position) + " unexpected byte(s) after the "
          + "last field");
    }
  }

  private long raw(String field) throws InvalidRecordException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position >= bytes.length) {
        throw truncated(field);
      }
      int b = bytes[position++];
      // The tenth byte may only hold the one bit left of a 64-bit value.
      if (shift == 63 && (b & 0xFE) != 0) {
        break;
      }
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new InvalidRecordException(what + ": " + field + " is not a valid varint (over 64 bits)");
  }

  private InvalidRecordException truncated(String field) {
    return new InvalidRecordException(what + ": truncated at " + field + " (" + bytes.length + " bytes)");
  }
}

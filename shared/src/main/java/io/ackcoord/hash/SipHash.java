package io.ackcoord.hash;

import java.security.SecureRandom;

/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012) of a string's UTF-16LE code units under a 128-bit key: a keyed
 * pseudorandom function, so whoever does not know the key cannot choose strings that collide, unlike with a plain
 * (even seeded) hash whose collisions can be found offline. Allocates nothing; not thread-safe (the state lives in
 * fields so that one compression round is one method).
 */
public final class SipHash {

  /** Drawn once per process and never written or logged: what makes collisions unguessable from outside. */
  private static final long[] PROCESS_KEY = drawKey();

  private final long k0;
  private final long k1;
  private long v0;
  private long v1;
  private long v2;
  private long v3;
  private long second;

  /**
   * A SipHash under this process's key, drawn from {@link SecureRandom} at first use. One key for every table of a
   * process loses nothing: the key and the hashes never leave it, and a restart draws a new one.
   */
  public static SipHash withProcessKey() {
    return new SipHash(PROCESS_KEY[0], PROCESS_KEY[1]);
  }

  private static long[] drawKey() {
    SecureRandom random = new SecureRandom();
    return new long[] {random.nextLong(), random.nextLong()};
  }

  /** @param k0 the key's first 8 bytes, little-endian; {@code k1} the last 8 */
  public SipHash(long k0, long k1) {
    this.k0 = k0;
    this.k1 = k1;
  }

  /** The 64-bit SipHash-2-4 of {@code s}'s chars, each as two bytes, low byte first. */
  public long hash64(String s) {
    absorb(s, 0);
    v2 ^= 0xff;
    return finish();
  }

  /**
   * The 128-bit SipHash-2-4 of {@code s}'s chars, each as two bytes, low byte first: returns its first 8 bytes
   * (little-endian); {@link #second} then returns the other 8. One pass over {@code s}, only the finalization twice.
   */
  public long hash128(String s) {
    absorb(s, 0xee);
    v2 ^= 0xee;
    long first = finish();
    v1 ^= 0xdd;
    second = finish();
    return first;
  }

  /** The second half of what {@link #hash128} computed last. */
  public long second() {
    return second;
  }

  /**
   * The 64-bit SipHash-2-4 of the 8 bytes of {@code m} (little-endian) under the key {@code k0, k1}: a keyed
   * pseudorandom function of one long, for deriving secrets from a key and a counter or an attempt number. Keeps no
   * state in fields, so any thread may call it.
   */
  public static long hashLong(long k0, long k1, long m) {
    long[] v = {k0 ^ 0x736f6d6570736575L, k1 ^ 0x646f72616e646f6dL, k0 ^ 0x6c7967656e657261L,
        k1 ^ 0x7465646279746573L};
    compress(v, m);
    compress(v, 8L << 56);
    v[2] ^= 0xff;
    for (int i = 0; i < 4; i++) {
      round(v);
    }
    return v[0] ^ v[1] ^ v[2] ^ v[3];
  }

  private static void compress(long[] v, long m) {
    v[3] ^= m;
    round(v);
    round(v);
    v[0] ^= m;
  }

  private static void round(long[] v) {
    v[0] += v[1];
    v[1] = Long.rotateLeft(v[1], 13) ^ v[0];
    v[0] = Long.rotateLeft(v[0], 32);
    v[2] += v[3];
    v[3] = Long.rotateLeft(v[3], 16) ^ v[2];
    v[0] += v[3];
    v[3] = Long.rotateLeft(v[3], 21) ^ v[0];
    v[2] += v[1];
    v[1] = Long.rotateLeft(v[1], 17) ^ v[2];
    v[2] = Long.rotateLeft(v[2], 32);
  }

  private void absorb(String s, long wide) {
    v0 = k0 ^ 0x736f6d6570736575L;
    v1 = k1 ^ 0x646f72616e646f6dL ^ wide;
    v2 = k0 ^ 0x6c7967656e657261L;
    v3 = k1 ^ 0x7465646279746573L;
    int n = s.length();
    int whole = n & ~3;
    for (int i = 0; i < whole; i += 4) {
      compress(s.charAt(i) | (long) s.charAt(i + 1) << 16 | (long) s.charAt(i + 2) << 32
          | (long) s.charAt(i + 3) << 48);
    }
    // Last block: the 0-3 remaining chars, and the byte length mod 256 in the top byte.
    long last = (long) (2 * n) << 56;
    for (int i = whole; i < n; i++) {
      last |= (long) s.charAt(i) << (16 * (i - whole));
    }
    compress(last);
  }

  private long finish() {
    round();
    round();
    round();
    round();
    return v0 ^ v1 ^ v2 ^ v3;
  }

  private void compress(long m) {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }

  private void round() {
    v0 += v1;
    v1 = Long.rotateLeft(v1, 13) ^ v0;
    v0 = Long.rotateLeft(v0, 32);
    v2 += v3;
    v3 = Long.rotateLeft(v3, 16) ^ v2;
    v0 += v3;
    v3 = Long.rotateLeft(v3, 21) ^ v0;
    v2 += v1;
    v1 = Long.rotateLeft(v1, 17) ^ v2;
    v2 = Long.rotateLeft(v2, 32);
  }
}

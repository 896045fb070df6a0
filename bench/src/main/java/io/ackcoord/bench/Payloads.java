package io.ackcoord.bench;

import java.util.Random;

/**
 * The payloads every system gets: a fixed pool of random byte arrays of one size, from a fixed seed, handed out in
 * turn. Random bytes so that compression gains nothing; a pool so that generating them costs the load generator
 * nothing during a phase.
 */
final class Payloads {

  private static final int POOL = 1024;
  private final byte[][] pool;

  Payloads(int size, long seed) {
    Random random = new Random(seed);
    pool = new byte[POOL][];
    for (int i = 0; i < POOL; i++) {
      pool[i] = new byte[size];
      random.nextBytes(pool[i]);
    }
  }

  /** Payload of message {@code n}; callers must not modify it. */
  byte[] get(long n) {
    return pool[(int) (n % POOL)];
  }

  int size() {
    return pool[0].length;
  }
}

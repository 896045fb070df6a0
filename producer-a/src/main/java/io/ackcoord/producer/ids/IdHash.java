package io.ackcoord.producer.ids;

import io.ackcoord.hash.SipHash;
import java.security.SecureRandom;

/**
 * The hash of message ids in A's open-addressing tables: SipHash under a key drawn once per process. Callers choose
 * ids, and with {@code String.hashCode} they could choose thousands that collide (it is easy offline), turning every
 * lookup into a scan of them all; without the key, they cannot. Not thread-safe (SipHash keeps its state in
 * fields): one per table, and a table lives on one event loop.
 */
public final class IdHash {

  private static final long K0;
  private static final long K1;

  static {
    SecureRandom keys = new SecureRandom();
    K0 = keys.nextLong();
    K1 = keys.nextLong();
  }

  private final SipHash sip = new SipHash(K0, K1);

  /** {@code id}'s hash, its 64 bits folded into 32. */
  public int of(String id) {
    long h = sip.hash64(id);
    return (int) (h ^ (h >>> 32));
  }
}

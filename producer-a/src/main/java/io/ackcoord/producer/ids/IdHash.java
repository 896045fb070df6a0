package io.ackcoord.producer.ids;

import io.ackcoord.hash.SipHash;

/**
 * The hash of message ids in A's open-addressing tables: SipHash under the process's key. Callers choose
 * ids, and with {@code String.hashCode} they could choose thousands that collide (it is easy offline), turning every
 * lookup into a scan of them all; without the key, they cannot. Not thread-safe (SipHash keeps its state in
 * fields): one per table, and a table lives on one event loop.
 */
public final class IdHash {

  private final SipHash sip = SipHash.withProcessKey();

  /** {@code id}'s hash, its 64 bits folded into 32. */
  public int of(String id) {
    long h = sip.hash64(id);
    return (int) (h ^ (h >>> 32));
  }
}

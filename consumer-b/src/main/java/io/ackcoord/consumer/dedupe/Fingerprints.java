package io.ackcoord.consumer.dedupe;

import io.ackcoord.hash.SipHash;

/**
 * What B keeps of a message id instead of the id: its 128-bit {@link SipHash} under a key drawn once per process
 * ({@link SipHash#withProcessKey()}), as two longs ({@link #high}, then {@link #low}). B computes it once per
 * message and both of its {@link ProcessedIds} stores (the dedupe record and the default handler's written ids) use
 * it, so every store of a process must hash under the same key.
 *
 * <p>One key per process, not per store, loses nothing: the key and the fingerprints never leave the process (not
 * written, not logged), so whoever sends ids still cannot choose ones that collide or that crowd one stretch of a
 * store's table; a restart draws a new key as before. The false-positive bound of a store holds for any key unknown
 * to the sender, store by store: sharing the key only makes a collision in one store the same event as in the
 * other, instead of an independent one. Not thread-safe (it holds the low half); one per event-loop-confined owner.
 */
public final class Fingerprints {

  private final SipHash sip = SipHash.withProcessKey();

  /** The high half of {@code id}'s fingerprint; {@link #low} then returns its low half. */
  public long high(String id) {
    return sip.hash128(id);
  }

  /** The low half of the fingerprint {@link #high} computed last. */
  public long low() {
    return sip.second();
  }
}

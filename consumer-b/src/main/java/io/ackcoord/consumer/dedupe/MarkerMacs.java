package io.ackcoord.consumer.dedupe;

import io.ackcoord.consumer.ConsumerOptions;
import io.ackcoord.hash.Sha256;
import io.ackcoord.hash.SipHash;
import io.ackcoord.protocol.ProcessedMarker.Marked;
import java.nio.ByteBuffer;

/**
 * MACs of processed ids under B's {@code dedupe.marker.key}, shared by every B of a group: B writes one with each id
 * of a marker, and on restore counts only ids whose MAC is right. A marker is what makes B answer ACK without
 * calling the handler, so one that anyone with write access to {@code <prefix>processed} could forge would lose
 * that message; with a key, only a B can write one that counts.
 *
 * <p>Without a key ({@link #none()}) every marker counts, as before: the topic's ACLs are then the only guard. The
 * MAC is SipHash-2-4 keyed by the first 16 bytes of the key's SHA-256, so a key of any length works. Immutable;
 * safe from any thread.
 */
public final class MarkerMacs {

  private static final MarkerMacs NONE = new MarkerMacs(false, 0, 0);

  private final boolean keyed;
  private final long k0;
  private final long k1;

  private MarkerMacs(boolean keyed, long k0, long k1) {
    this.keyed = keyed;
    this.k0 = k0;
    this.k1 = k1;
  }

  /** No key: markers are written with MAC 0 and all count. */
  public static MarkerMacs none() {
    return NONE;
  }

  /** MACs under {@code key}; an empty key means {@link #none()}. */
  public static MarkerMacs of(String key) {
    if (key == null || key.isEmpty()) {
      return NONE;
    }
    ByteBuffer digest = ByteBuffer.wrap(Sha256.of(key));
    return new MarkerMacs(true, digest.getLong(), digest.getLong());
  }

  /** MACs under {@code options}' {@code dedupe.marker.key}: what every writer and reader of B's markers uses. */
  public static MarkerMacs of(ConsumerOptions options) {
    return of(options.dedupeMarkerKey().reveal());
  }

  /** Whether a key is set. */
  public boolean keyed() {
    return keyed;
  }

  /** {@code id} as a marker names it: with its MAC, or 0 without a key. */
  public Marked mark(String id) {
    return new Marked(id, keyed ? mac(id) : 0);
  }

  /**
   * Whether a restored marker entry counts: always without a key; with one, only when its MAC is {@code id}'s (two
   * longs compared take the same time whichever bits differ).
   */
  public boolean counts(Marked marked) {
    return !keyed || marked.mac() == mac(marked.id());
  }

  private long mac(String id) {
    long mac = new SipHash(k0, k1).hash64(id);
    // 0 means "no MAC" on the wire.
    return mac == 0 ? 1 : mac;
  }
}

package io.ackcoord.consumer.replies;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Keys for batched processed-id markers: {@code <consumer>#<run>#<sequence>}, unique per record. The topic is
 * compacted, so a key written twice would let compaction drop the earlier record and the ids in it; the random run
 * part keeps a restarted B (whose sequence starts again at 0) from reusing its predecessor's keys.
 */
public final class MarkerKeys {

  private final String prefix;
  private long sequence;

  public MarkerKeys(String consumerId) {
    byte[] run = new byte[8];
    new SecureRandom().nextBytes(run);
    this.prefix = consumerId + "#" + HexFormat.of().formatHex(run) + "#";
  }

  /** A key no marker record had before. */
  public String next() {
    return prefix + sequence++;
  }
}

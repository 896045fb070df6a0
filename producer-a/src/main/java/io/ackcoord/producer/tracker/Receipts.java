package io.ackcoord.producer.tracker;

import io.ackcoord.hash.SipHash;
import java.security.SecureRandom;

/**
 * Per-message secrets, and the receipts A derives from them (the Envelope's {@code receipt}).
 *
 * <p>A message's secret is drawn when A accepts it and kept in the ledger, so it survives a restart of A. Attempt
 * {@code n}'s receipt is SipHash of {@code n} keyed by the secret. Whoever cannot read topic 1 (or A's ledger)
 * cannot know one, so cannot write a reply A takes. Deriving receipts instead of storing them keeps A at one long
 * per message, and lets A check a late reply to an earlier attempt too.
 *
 * <p>Secret 0 stands for a message restored from a ledger written before receipts: its envelopes carry no receipt,
 * and its replies are taken as before.
 */
public final class Receipts {

  private final long k0;
  private final long k1;
  private long counter;

  /** Secrets under a key drawn from {@link SecureRandom}: unpredictable from the ones already seen. */
  public Receipts() {
    SecureRandom random = new SecureRandom();
    this.k0 = random.nextLong();
    this.k1 = random.nextLong();
  }

  /** A fresh, non-zero secret: a keyed hash of a counter, which costs far less than a SecureRandom draw each. */
  long nextSecret() {
    long secret = SipHash.hashLong(k0, k1, ++counter);
    return secret == 0 ? 1 : secret;
  }

  /** Attempt {@code attempt}'s receipt for a message with {@code secret}; 0 for secret 0. */
  public static long receipt(long secret, int attempt) {
    return secret == 0 ? 0 : SipHash.hashLong(secret, ~secret, attempt);
  }
}

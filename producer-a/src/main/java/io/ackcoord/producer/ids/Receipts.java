package io.ackcoord.producer.ids;

import io.ackcoord.hash.SipHash;
import java.security.SecureRandom;

/**
 * Per-message secrets, and the receipts A derives from them (the Envelope's {@code receipt}).
 *
 * <p>A message's secret is a keyed hash of its id and accept time under this A's receipt key, which A keeps in its
 * checkpoints (decision 014). So a restarted A that finds a message only as a record in topic 1 (accepted after the
 * last checkpoint) derives the same secret again. Attempt {@code n}'s receipt is SipHash of {@code n} keyed by the
 * secret. Whoever cannot read A's ledger topic cannot know a secret, so cannot write a reply A takes, nor a record in
 * topic 1 or a dead letter a restarted A would take for its own. Deriving instead of storing keeps A at one long per
 * message, and lets A check a late reply to an earlier attempt too.
 *
 * <p>Secret 0 stands for a message restored from a ledger written before receipts: its envelopes carry no receipt,
 * and its replies are taken as before.
 *
 * <p>Not thread-safe (the id hash keeps its state in fields): one instance per thread.
 */
public final class Receipts {

  /** The dead-letter header with {@link #letterProof} of the attempt's receipt, in decimal. */
  public static final String LETTER_PROOF_HEADER = "ackcoord-letter-proof";

  private final long k0;
  private final long k1;
  private final SipHash ids;

  /** @param k0 the receipt key's first half; {@code k1} its second */
  public Receipts(long k0, long k1) {
    this.k0 = k0;
    this.k1 = k1;
    this.ids = new SipHash(k0, k1);
  }

  /** A new key drawn from {@link SecureRandom}, for an A that has no checkpoint yet. */
  public static Receipts random() {
    SecureRandom random = new SecureRandom();
    return new Receipts(random.nextLong(), random.nextLong());
  }

  public long k0() {
    return k0;
  }

  public long k1() {
    return k1;
  }

  /** An instance with the same key, for another thread. */
  public Receipts copy() {
    return new Receipts(k0, k1);
  }

  /**
   * The secret of message {@code id} accepted at {@code acceptedAtMillis}: never 0. The id's keyed hash is the key of
   * a second hash over the accept time, so an id submitted again (after its first life ended) gets a new secret.
   */
  public long secretFor(String id, long acceptedAtMillis) {
    long perId = ids.hash64(id);
    long secret = SipHash.hashLong(perId, k1 ^ k0, acceptedAtMillis);
    return secret == 0 ? 1 : secret;
  }

  /** Attempt {@code attempt}'s receipt for a message with {@code secret}; 0 for secret 0. */
  public static long receipt(long secret, int attempt) {
    return secret == 0 ? 0 : SipHash.hashLong(secret, ~secret, attempt);
  }

  /**
   * What a dead letter carries to show A wrote it (its receipt cannot be published: B echoes it as proof): a hash of
   * the attempt's receipt, which tells nothing about the receipt itself. 0 for receipt 0.
   */
  public static long letterProof(long receipt) {
    return receipt == 0 ? 0 : SipHash.hashLong(receipt, ~receipt, 0);
  }
}

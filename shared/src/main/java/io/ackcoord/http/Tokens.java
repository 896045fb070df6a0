package io.ackcoord.http;

import io.ackcoord.hash.Sha256;
import java.security.MessageDigest;
import java.util.List;

/**
 * The accepted API tokens, kept only as SHA-256 digests. A presented token is digested and compared with every
 * accepted digest in constant time ({@link MessageDigest#isEqual}), so neither the time to answer nor an early exit
 * tells an attacker how much of a token, or its length, was right. More than one token is accepted so that a
 * rotation can add the new token, move clients over, then drop the old one.
 */
final class Tokens {

  private final List<byte[]> digests;

  Tokens(List<String> tokens) {
    this.digests = tokens.stream().map(Sha256::of).toList();
  }

  /** Whether any tokens are configured. */
  boolean any() {
    return !digests.isEmpty();
  }

  /** Whether {@code presented} is one of the accepted tokens; {@code null} never is. */
  boolean accepts(String presented) {
    if (presented == null || presented.isEmpty()) {
      return false;
    }
    byte[] digest = Sha256.of(presented);
    boolean match = false;
    for (byte[] accepted : digests) {
      match |= MessageDigest.isEqual(accepted, digest); // no short-circuit: every digest is compared
    }
    return match;
  }
}

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
    return indexOf(presented) >= 0;
  }

  /**
   * Which of the accepted tokens {@code presented} is (0 for the first configured), or -1: audit lines name a token
   * by its place in the list, which tells the operator which one was used and an attacker nothing.
   */
  int indexOf(String presented) {
    if (presented == null || presented.isEmpty()) {
      return -1;
    }
    byte[] digest = Sha256.of(presented);
    int match = -1;
    for (int i = 0; i < digests.size(); i++) {
      // No short-circuit: every digest is compared, whichever matches.
      if (MessageDigest.isEqual(digests.get(i), digest)) {
        match = i;
      }
    }
    return match;
  }
}

package io.ackcoord.hash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of configured secrets (API tokens, the marker key): what they are compared or keyed by. */
public final class Sha256 {

  private Sha256() {
  }

  /** The SHA-256 of {@code text}'s UTF-8 bytes. */
  public static byte[] of(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}

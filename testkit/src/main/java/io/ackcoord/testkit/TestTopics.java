package io.ackcoord.testkit;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * Unique topic names, so each test has topics of its own on a broker shared by the whole test JVM: tests stay
 * independent without a broker restart each, and a re-run never reads an earlier run's records.
 */
public final class TestTopics {

  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final int RANDOM_CHARS = 8;
  /** Leaves room under Kafka's 249-character limit for what callers append to the prefix. */
  private static final int MAX_NAME_CHARS = 80;
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestTopics() {}

  /**
   * A prefix such as {@code t-orders-k3x9q0ab.}: append topic names to it ({@code prefix + "requests"}).
   * Characters Kafka does not allow in topic names (and {@code _}, which collides with {@code .} in metric
   * names) become {@code -}.
   *
   * @param name what the topics are for, typically the test's name
   */
  public static String uniquePrefix(String name) {
    String safe = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-").replaceAll("^[.-]+|[.-]+$", "");
    if (safe.length() > MAX_NAME_CHARS) {
      safe = safe.substring(0, MAX_NAME_CHARS);
    }
    StringBuilder prefix = new StringBuilder("t-").append(safe.isEmpty() ? "topic" : safe).append('-');
    for (int i = 0; i < RANDOM_CHARS; i++) {
      prefix.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return prefix.append('.').toString();
  }
}

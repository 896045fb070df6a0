package io.ackcoord.config;

/**
 * A configured secret (a key, a token): {@link #toString()} masks it, so printing the options that hold one (a
 * record's generated {@code toString}, a log line) cannot leak it; only {@link #reveal()} gives the text.
 */
public final class Secret {

  private static final Secret EMPTY = new Secret("");

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /** {@code value} as a secret; {@code null} or empty is the empty secret. */
  public static Secret of(String value) {
    return value == null || value.isEmpty() ? EMPTY : new Secret(value);
  }

  /** Whether one is set. */
  public boolean isSet() {
    return !value.isEmpty();
  }

  /** The text; pass it only to what needs it. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return isSet() ? Config.MASK : "";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}

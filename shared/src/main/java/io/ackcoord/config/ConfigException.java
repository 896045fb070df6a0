package io.ackcoord.config;

/**
 * A configuration value that ackcoord will not start with. The message names the key, the value and the rule, so
 * the operator can fix the file or variable without reading code.
 */
public final class ConfigException extends RuntimeException {

  private final String key;

  /** @param key the offending key, as written in the config file */
  public ConfigException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** A value that breaks a rule: "invalid value -1 for key ack.timeout.ms: must be at least 1". */
  public static ConfigException invalid(String key, Object value, String rule) {
    return new ConfigException(key, "invalid value " + render(value) + " for key " + key + ": " + rule);
  }

  /** The key the error is about. */
  public String key() {
    return key;
  }

  static String render(Object value) {
    return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
  }
}

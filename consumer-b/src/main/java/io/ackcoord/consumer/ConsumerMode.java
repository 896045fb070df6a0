package io.ackcoord.consumer;

import java.util.Arrays;
import java.util.List;

/**
 * How B reads topic 1 ({@code consumer.mode}). docs/share-groups.md compares the two with a plain consumer group and
 * a plain share group.
 */
public enum ConsumerMode {

  /**
   * A consumer group: each partition has one B at a time, offsets are committed after the reply is durable, and a
   * B's dedupe record covers the partitions it owns. Topic 1's partition count bounds how many Bs work at once.
   */
  GROUP("group"),

  /**
   * A share group (Kafka 4.2+, KIP-932): every B may get records of every partition, each under a broker lock B
   * acknowledges ({@code ACCEPT}) once the reply is durable, so more Bs than partitions all work. A stays the one
   * retry authority: a record the broker delivers again (its lock lapsed, or a B died) is accepted without running
   * the handler, and A re-sends at its deadline. At-least-once only: share groups have no transactions.
   */
  SHARE("share");

  private final String configValue;

  ConsumerMode(String configValue) {
    this.configValue = configValue;
  }

  /** The value of {@code consumer.mode} that selects it. */
  public String configValue() {
    return configValue;
  }

  static List<String> configValues() {
    return Arrays.stream(values()).map(ConsumerMode::configValue).toList();
  }

  static ConsumerMode fromConfig(String value) {
    for (ConsumerMode m : values()) {
      if (m.configValue.equals(value)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown consumer mode " + value);
  }

  @Override
  public String toString() {
    return configValue;
  }
}

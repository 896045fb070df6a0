package io.ackcoord.consumer;

import java.util.Arrays;
import java.util.List;

/**
 * The Kafka consumer group protocol B's group consumer speaks ({@code group.protocol}). Both keep B's rebalances
 * safe (docs/ARCHITECTURE.md, Rebalances); they differ in who computes the assignment and where the session lives.
 */
public enum GroupProtocol {

  /**
   * The classic protocol: the members join, one of them assigns (cooperative-sticky), and the session timeout and
   * heartbeat interval are the client's ({@code session.timeout.ms}, {@code heartbeat.interval.ms}). An accepted
   * offset commit restarts the session.
   */
  CLASSIC("classic"),

  /**
   * The consumer protocol of KIP-848 (GA since Kafka 4.0): the broker assigns, incrementally, through heartbeats,
   * without a group-wide barrier. The session timeout and heartbeat interval are group configs on the broker
   * ({@code consumer.session.timeout.ms}, {@code consumer.heartbeat.interval.ms}), and only heartbeats keep the
   * session alive, not offset commits.
   */
  CONSUMER("consumer");

  private final String configValue;

  GroupProtocol(String configValue) {
    this.configValue = configValue;
  }

  /** The value of {@code group.protocol} that selects it, which is also Kafka's own name for it. */
  public String configValue() {
    return configValue;
  }

  /** Every config value, for the validation rule. */
  static List<String> configValues() {
    return Arrays.stream(values()).map(GroupProtocol::configValue).toList();
  }

  /** The protocol for a validated config value. */
  static GroupProtocol fromConfig(String value) {
    for (GroupProtocol p : values()) {
      if (p.configValue.equals(value)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown group protocol " + value);
  }

  @Override
  public String toString() {
    return configValue;
  }
}

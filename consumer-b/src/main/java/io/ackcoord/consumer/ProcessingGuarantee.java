package io.ackcoord.consumer;

import java.util.Arrays;
import java.util.List;

/**
 * How B makes a message's effect, its processed-id marker, its reply and its offset durable
 * ({@code processing.guarantee}). docs/ARCHITECTURE.md numbers the steps of each (B1 Poll … B7 Commit).
 */
public enum ProcessingGuarantee {

  /**
   * Each write on its own, in the order effect → marker and reply → offset commit. A crash between two writes
   * repeats the later ones: the message may be handled again, so a handler's effects must be idempotent (the
   * default handler is); B skips ids whose marker it finds. Cheapest: no transactions.
   */
  AT_LEAST_ONCE("at-least-once"),

  /**
   * The handler's Kafka effects, the marker, the ACK/NACK and the offset commit in one Kafka transaction per batch of
   * messages: all of them or none become visible to {@code read_committed} readers, and a B that lost its partitions
   * (or was replaced) is fenced. Effects outside Kafka still need idempotence.
   */
  EXACTLY_ONCE("exactly-once");

  private final String configValue;

  ProcessingGuarantee(String configValue) {
    this.configValue = configValue;
  }

  /** The value of {@code processing.guarantee} that selects it. */
  public String configValue() {
    return configValue;
  }

  /** Every config value, for the validation rule. */
  static List<String> configValues() {
    return Arrays.stream(values()).map(ProcessingGuarantee::configValue).toList();
  }

  /** The guarantee for a validated config value. */
  static ProcessingGuarantee fromConfig(String value) {
    for (ProcessingGuarantee g : values()) {
      if (g.configValue.equals(value)) {
        return g;
      }
    }
    throw new IllegalArgumentException("unknown processing guarantee " + value);
  }

  @Override
  public String toString() {
    return configValue;
  }
}

package io.ackcoord.kafka;

import java.util.List;
import java.util.Map;

/**
 * The six topics of one ackcoord deployment, all named from one prefix so several deployments (or tests) can
 * share a cluster without colliding.
 *
 * @param prefix prepended to every name, e.g. {@code ackcoord.}
 */
public record TopicNames(String prefix) {

  /** Topic 1: one record per attempt, A → B. */
  public String messages() {
    return prefix + "messages";
  }

  /** Topic 2: replies (ACK / NACK / IN_PROGRESS), B → A. */
  public String acks() {
    return prefix + "acks";
  }

  /** The default handler's effects: one record per processed message id. */
  public String results() {
    return prefix + "results";
  }

  /** Messages A gave up on, with the reason. */
  public String deadLetters() {
    return prefix + "dead-letters";
  }

  /** Records that are not valid envelopes or replies, with the error, so they are kept but never block traffic. */
  public String poison() {
    return prefix + "poison";
  }

  /**
   * Each B's latest counters, published once a second keyed by B's instance id, for A's status page. Compacted, with
   * a short retention: only the latest report per B matters.
   */
  public String stats() {
    return prefix + "stats";
  }

  /** Every topic, in a stable order. */
  public List<String> all() {
    return List.of(messages(), acks(), results(), deadLetters(), poison(), stats());
  }

  /** Partitions to create {@code topic} with, given the configured default. The stats stream needs one. */
  public int partitionsFor(String topic, int configured) {
    return topic.equals(stats()) ? 1 : configured;
  }

  /** Topic configs to create {@code topic} with, over the broker's defaults. */
  public Map<String, String> createConfig(String topic) {
    if (topic.equals(stats())) {
      // Latest report per B, old ones gone within the hour; records are ~0.5 KB, one per B per second.
      return Map.of("cleanup.policy", "compact,delete", "retention.ms", "3600000", "segment.ms", "600000");
    }
    return Map.of();
  }
}

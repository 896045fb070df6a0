package io.ackcoord.kafka;

import java.util.List;

/**
 * The topics of one ackcoord deployment, all named from one prefix so several deployments (or tests) can
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

  /**
   * B's durable record of processed message ids: one compacted record per id, keyed by it, in the partition with
   * the same index as the topic-1 partition the message came from, so the B that owns a topic-1 partition restores
   * exactly the ids it may see again. Needs as many partitions as topic 1.
   */
  public String processed() {
    return prefix + "processed";
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
   * A's pending messages, so they outlive A: one record per message id (payload and next deadline), a tombstone when
   * it is ACKed or dead-lettered. Compacted, so it holds what is pending plus recent tombstones.
   */
  public String ledger() {
    return prefix + "ledger";
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
    return List.of(messages(), acks(), results(), processed(), deadLetters(), poison(), ledger(), stats());
  }
}

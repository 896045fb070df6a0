package io.ackcoord.producer.kafka;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replies on this A's partition of topic 2 that are addressed to another producer id: the price of sharing a reply
 * partition with other As (their ids hash to the same partition, or they were given the same
 * {@code ack.reply.partition}). A reads them and skips them; this counts them and remembers which producers they
 * were for, so the sharing is visible on the status API and logged once per producer instead of per record.
 *
 * <p>Event-loop confined, like {@link ReplyListener}; O(1) per foreign reply.
 */
final class ForeignReplies {

  /** Producer ids remembered; more sharers than this are still counted, just not named. */
  static final int MAX_NAMED = 32;

  private final Set<String> producers = new LinkedHashSet<>();
  private long count;

  /**
   * Counts one reply for {@code producerId}.
   *
   * @return true the first time this producer is seen (and named), so the caller can say so once
   */
  boolean seen(String producerId) {
    count++;
    return producers.size() < MAX_NAMED && producers.add(producerId);
  }

  /** Foreign replies read and skipped since start. */
  long count() {
    return count;
  }

  /** The other producers seen on this partition, in the order they first appeared (at most {@link #MAX_NAMED}). */
  List<String> producers() {
    return List.copyOf(producers);
  }
}

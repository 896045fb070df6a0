package io.ackcoord.consumer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * In-memory {@link DedupeStore}: the most recently used {@code capacity} ids, least recently used evicted first,
 * each remembered with the partition it came from so a revoked partition's ids can be dropped.
 *
 * <p>Guarantee: a duplicate is recognised only while its id is among the last {@code capacity} ids seen, and only
 * in this process; {@link #restore} loads nothing, so after a restart every id is new again (durability is
 * {@link ProcessedTopicStore}'s, which keeps its ids here). A's re-sends come within a few timeouts of the first
 * copy, so recency is the right thing to keep. Not thread-safe: one event loop owns it.
 */
public final class ProcessedIds implements DedupeStore {

  private final int capacity;
  private final LinkedHashMap<String, TopicPartition> ids;
  private final Map<TopicPartition, Set<String>> byPartition = new HashMap<>();

  /** @param capacity how many ids to remember, at least 1 */
  public ProcessedIds(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
    }
    this.capacity = capacity;
    // Access order: a duplicate that was just answered stays remembered, since more copies may follow.
    this.ids = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, TopicPartition> eldest) {
        if (size() <= ProcessedIds.this.capacity) {
          return false;
        }
        unindex(eldest.getValue(), eldest.getKey());
        return true;
      }
    };
  }

  @Override
  public boolean contains(String id) {
    return ids.get(id) != null;
  }

  @Override
  public void add(TopicPartition partition, String id) {
    TopicPartition previous = ids.put(id, partition);
    if (previous != null && !previous.equals(partition)) {
      unindex(previous, id);
    }
    byPartition.computeIfAbsent(partition, p -> new HashSet<>()).add(id);
  }

  @Override
  public void forget(Set<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      Set<String> gone = byPartition.remove(tp);
      if (gone != null) {
        gone.forEach(ids::remove);
      }
    }
  }

  /** How many ids are remembered now. */
  public int size() {
    return ids.size();
  }

  /** The most ids remembered at once. */
  public int capacity() {
    return capacity;
  }

  private void unindex(TopicPartition partition, String id) {
    Set<String> set = byPartition.get(partition);
    if (set != null) {
      set.remove(id);
      if (set.isEmpty()) {
        byPartition.remove(partition);
      }
    }
  }
}

package io.ackcoord.consumer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * In-memory {@link DedupeStore}: the most recently used {@code capacity} ids, least recently used evicted first.
 *
 * <p>Guarantee: a duplicate is recognised only while its id is among the last {@code capacity} ids seen, and only
 * in this process; after a restart every id is new again. A's re-sends come within a few timeouts of the first
 * copy, so recency is the right thing to keep. Not thread-safe: one event loop owns it.
 */
public final class ProcessedIds implements DedupeStore {

  private final int capacity;
  private final LinkedHashMap<String, Boolean> ids;

  /** @param capacity how many ids to remember, at least 1 */
  public ProcessedIds(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
    }
    this.capacity = capacity;
    // Access order: a duplicate that was just answered stays remembered, since more copies may follow.
    this.ids = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > ProcessedIds.this.capacity;
      }
    };
  }

  @Override
  public boolean contains(String id) {
    return ids.get(id) != null;
  }

  @Override
  public void add(String id) {
    ids.put(id, Boolean.TRUE);
  }

  /** How many ids are remembered now. */
  public int size() {
    return ids.size();
  }

  /** The most ids remembered at once. */
  public int capacity() {
    return capacity;
  }
}

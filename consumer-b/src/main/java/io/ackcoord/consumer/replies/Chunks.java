package io.ackcoord.consumer.replies;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/** Splits a batch into runs that each fit one Kafka record: at most so many items and so many bytes. Pure. */
public final class Chunks {

  private Chunks() {
  }

  /**
   * {@code items} in order, cut into consecutive runs of at most {@code maxCount} items whose {@code size} adds up
   * to at most {@code maxBytes} (an item larger than that alone still gets a run of its own).
   */
  public static <T> List<List<T>> of(List<T> items, int maxCount, int maxBytes, ToIntFunction<T> size) {
    List<List<T>> chunks = new ArrayList<>(1);
    List<T> current = new ArrayList<>(Math.min(items.size(), maxCount));
    long bytes = 0;
    for (T item : items) {
      int itemBytes = size.applyAsInt(item);
      if (!current.isEmpty() && (current.size() >= maxCount || bytes + itemBytes > maxBytes)) {
        chunks.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(item);
      bytes += itemBytes;
    }
    if (!current.isEmpty()) {
      chunks.add(current);
    }
    return chunks;
  }
}

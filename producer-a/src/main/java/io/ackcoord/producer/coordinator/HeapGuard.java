package io.ackcoord.producer.coordinator;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.ackcoord.producer.ProducerOptions;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Refuses new submissions while A's heap, as the last garbage collection left it, is fuller than
 * {@code pending.heap.limit}: a flood of pending messages then gets 503 with Retry-After, which callers retry,
 * instead of running A out of memory. Heap after GC, not live usage, because a heap full of garbage is normal
 * between collections. Re-sends and replies are not affected, and ACKs free the heap again.
 *
 * <p>{@link #get} is read on the event loop per submission (one volatile read); the JVM's GC notifications update
 * it from their own thread.
 */
public final class HeapGuard implements Supplier<String>, AutoCloseable {

  private final double limit;
  private final long maxBytes;
  private final AtomicLong usedAfterGc = new AtomicLong();
  private final List<Runnable> unregister = new ArrayList<>();

  /** @param limit fraction of {@code maxBytes} above which submissions are refused; 1 or more turns the guard off */
  HeapGuard(double limit, long maxBytes) {
    this.limit = limit;
    this.maxBytes = maxBytes;
  }

  /** A guard fed by this JVM's garbage collectors, against its maximum heap. */
  public static HeapGuard forThisJvm(double limit) {
    HeapGuard guard = new HeapGuard(limit, Runtime.getRuntime().maxMemory());
    if (limit >= 1) {
      return guard;
    }
    Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .map(MemoryPoolMXBean::getName)
        .collect(Collectors.toSet());
    NotificationListener listener = (notification, handback) -> {
      if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
        GarbageCollectionNotificationInfo info =
            GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
            .filter(e -> heapPools.contains(e.getKey()))
            .mapToLong(e -> e.getValue().getUsed())
            .sum();
        guard.gcCompleted(used);
      }
    };
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        guard.unregister.add(() -> {
          try {
            emitter.removeNotificationListener(listener);
          } catch (ListenerNotFoundException ignored) {
            // already gone
          }
        });
      }
    }
    return guard;
  }

  /** A collection finished and left {@code usedBytes} of heap in use. */
  void gcCompleted(long usedBytes) {
    usedAfterGc.set(usedBytes);
  }

  /** Why a submission must be refused now, or {@code null} if it may go ahead. */
  @Override
  public String get() {
    long used = usedAfterGc.get();
    if (limit >= 1 || used <= limit * maxBytes) {
      return null;
    }
    return String.format("A's heap is %d%% full after garbage collection (%s %.2f of %d MB): retry when pending "
        + "messages have been ACKed", used * 100 / maxBytes, ProducerOptions.HEAP_LIMIT, limit, maxBytes >> 20);
  }

  @Override
  public void close() {
    unregister.forEach(Runnable::run);
    unregister.clear();
  }
}

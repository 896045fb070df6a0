package io.ackcoord.producer.tracker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every pending message's deadline in one binary min-heap, so one timer (for the earliest) serves any number of
 * messages instead of one event-loop timer each.
 *
 * <p>The heap is indexed: each message knows its own slot ({@link TrackedMessage#heapIndex}), so moving or cancelling
 * a deadline fixes the heap in place in O(log n) and no stale entry is ever left behind. It holds one reference per
 * queued message and nothing else (the deadline is read from the message). Equal deadlines fire in accept order.
 */
final class DeadlineQueue {

  private TrackedMessage[] heap = new TrackedMessage[64];
  private int size;

  /** Schedules {@code message} at its current deadline, replacing any earlier schedule. */
  void schedule(TrackedMessage message) {
    if (message.deadline() == Long.MAX_VALUE) {
      cancel(message);
      return;
    }
    int i = message.heapIndex;
    if (i < 0) {
      if (size == heap.length) {
        heap = Arrays.copyOf(heap, size + (size >> 1));
      }
      place(message, size++);
      siftUp(size - 1);
    } else {
      siftDown(siftUp(i));
    }
  }

  /** Forgets {@code message}'s schedule. */
  void cancel(TrackedMessage message) {
    int i = message.heapIndex;
    if (i < 0) {
      return;
    }
    message.heapIndex = -1;
    TrackedMessage last = heap[--size];
    heap[size] = null;
    if (i < size) {
      place(last, i);
      siftDown(siftUp(i));
    }
    // After a large backlog drained, give the memory back.
    if (heap.length > 1024 && size < heap.length >> 2) {
      heap = Arrays.copyOf(heap, heap.length >> 1);
    }
  }

  /** The earliest deadline, or {@link Long#MAX_VALUE}. */
  long earliest() {
    return size == 0 ? Long.MAX_VALUE : heap[0].deadline();
  }

  /** Removes and returns up to {@code limit} messages whose deadline is at or before {@code now}, earliest first. */
  List<TrackedMessage> pollDue(long now, int limit) {
    List<TrackedMessage> due = new ArrayList<>(Math.min(limit, 64));
    while (due.size() < limit && size > 0 && heap[0].deadline() <= now) {
      TrackedMessage head = heap[0];
      cancel(head);
      due.add(head);
    }
    return due;
  }

  /** Messages queued. */
  int liveCount() {
    return size;
  }

  /** Slots held, free ones included. */
  int capacity() {
    return heap.length;
  }

  private int siftUp(int i) {
    TrackedMessage m = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(m, heap[parent])) {
        break;
      }
      place(heap[parent], i);
      i = parent;
    }
    place(m, i);
    return i;
  }

  private void siftDown(int i) {
    TrackedMessage m = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && before(heap[right], heap[child])) {
        child = right;
      }
      if (!before(heap[child], m)) {
        break;
      }
      place(heap[child], i);
      i = child;
    }
    place(m, i);
  }

  private void place(TrackedMessage m, int i) {
    heap[i] = m;
    m.heapIndex = i;
  }

  private static boolean before(TrackedMessage a, TrackedMessage b) {
    return a.deadline() < b.deadline() || (a.deadline() == b.deadline() && a.acceptSeq < b.acceptSeq);
  }
}

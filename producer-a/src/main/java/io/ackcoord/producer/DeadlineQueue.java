package io.ackcoord.producer;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Every pending message's deadline in one priority queue, so one timer (for the earliest) serves any number of
 * messages instead of one event-loop timer each.
 *
 * <p>Cancelling is lazy: a message whose deadline moved or was cleared leaves its old entry behind, and the entry is
 * dropped when it reaches the head because its generation no longer matches. Adding is O(log n), cancelling O(1);
 * when stale entries outnumber live ones the queue is rebuilt, which keeps memory proportional to what is pending.
 */
final class DeadlineQueue {

  private record Entry(long deadline, TrackedMessage message, int generation) {
    boolean live() {
      return generation == message.generation;
    }
  }

  private final PriorityQueue<Entry> queue =
      new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
  private int live;

  /** Schedules {@code message} at its current deadline, replacing any earlier schedule. */
  void schedule(TrackedMessage message) {
    cancel(message);
    if (message.deadline() != Long.MAX_VALUE) {
      queue.add(new Entry(message.deadline(), message, message.generation));
      message.queued = true;
      live++;
      compactIfMostlyStale();
    }
  }

  /** Forgets {@code message}'s schedule. */
  void cancel(TrackedMessage message) {
    message.generation++;
    if (message.queued) {
      message.queued = false;
      live--;
    }
  }

  /** The earliest live deadline, or {@link Long#MAX_VALUE}. */
  long earliest() {
    dropStale();
    Entry head = queue.peek();
    return head == null ? Long.MAX_VALUE : head.deadline;
  }

  /** Removes and returns up to {@code limit} messages whose deadline is at or before {@code now}, earliest first. */
  List<TrackedMessage> pollDue(long now, int limit) {
    List<TrackedMessage> due = new ArrayList<>();
    while (due.size() < limit) {
      dropStale();
      Entry head = queue.peek();
      if (head == null || head.deadline > now) {
        break;
      }
      queue.poll();
      cancel(head.message);
      due.add(head.message);
    }
    return due;
  }

  /** Messages with a live deadline. */
  int liveCount() {
    return live;
  }

  /** Entries held, stale ones included. */
  int size() {
    return queue.size();
  }

  // ACKed messages leave entries behind until their old deadline comes round; with long timeouts and high rates
  // those would pile up and pin the finished messages, so rebuild once they outnumber the live ones. Each rebuild
  // at least halves the queue, so its O(n) cost is paid for by the inserts that made the garbage.
  private void compactIfMostlyStale() {
    if (queue.size() <= 2 * live + 1024) {
      return;
    }
    List<Entry> keep = new ArrayList<>(live);
    for (Entry e : queue) {
      if (e.live()) {
        keep.add(e);
      }
    }
    queue.clear();
    queue.addAll(keep);
  }

  private void dropStale() {
    Entry head;
    while ((head = queue.peek()) != null && !head.live()) {
      queue.poll();
    }
  }
}

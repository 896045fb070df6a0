package io.ackcoord.producer.tracker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Messages in the order they entered a set (pending by accept order, final ones by finish order), for paging with
 * a cursor without ever walking the whole set.
 *
 * <p>An append-only array sorted by a sequence number, with lazy removal: a message that leaves the set stays in the
 * array until it is skipped (at the head) or compacted away (when removed entries outnumber live ones), like
 * {@link DeadlineQueue}. So adding and removing are O(1) amortized, and a page is a binary search for the cursor
 * plus the entries it returns (and any removed ones between them). The index holds 8 bytes per message.
 *
 * <p>A cursor is the sequence number of the last message a page returned; the next page starts strictly after it.
 * That stays correct when the cursor's own message has left the set meanwhile: messages never change position,
 * they only disappear, so a message is never shown twice and none that stayed is skipped.
 *
 * <p>Not thread-safe: it lives on the tracker's event loop.
 */
public final class SeqIndex {

  private static final int MIN_COMPACT = 1024;

  /** One page, in the order asked for, and whether more messages follow it. */
  public record Page(List<TrackedMessage> items, boolean more) {
  }

  private final ToLongFunction<TrackedMessage> seqOf;
  private final Predicate<TrackedMessage> live;
  private TrackedMessage[] items = new TrackedMessage[16];
  private int head;
  private int tail;
  // Entries in [head, tail) that have left the set: each is reported once through removed().
  private int removed;

  /**
   * @param seqOf the sequence number entries are appended in (strictly increasing)
   * @param live  whether an entry is still in the set; it must turn false at most once, before {@link #removed()}
   */
  SeqIndex(ToLongFunction<TrackedMessage> seqOf, Predicate<TrackedMessage> live) {
    this.seqOf = seqOf;
    this.live = live;
  }

  /** Appends a message whose sequence number is above every one appended before. */
  void add(TrackedMessage m) {
    if (tail == items.length) {
      grow();
    }
    items[tail++] = m;
  }

  /** One entry has left the set (its {@code live} test now fails). */
  void removed() {
    removed++;
    trimHead();
    if (removed > MIN_COMPACT && removed > size()) {
      compact();
    }
  }

  /** Live entries. */
  int size() {
    return tail - head - removed;
  }

  /** The oldest live entry, or {@code null}. */
  TrackedMessage first() {
    trimHead();
    return head < tail ? items[head] : null;
  }

  /** Up to {@code limit} live entries with a sequence number above {@code afterSeq}, oldest first. */
  Page after(long afterSeq, int limit) {
    List<TrackedMessage> out = new ArrayList<>(Math.min(limit, 256));
    int i = firstAbove(afterSeq);
    for (; i < tail; i++) {
      if (live.test(items[i])) {
        if (out.size() == limit) {
          return new Page(out, true);
        }
        out.add(items[i]);
      }
    }
    return new Page(out, false);
  }

  /** Up to {@code limit} live entries with a sequence number below {@code beforeSeq}, newest first. */
  Page before(long beforeSeq, int limit) {
    List<TrackedMessage> out = new ArrayList<>(Math.min(limit, 256));
    int i = firstAbove(beforeSeq - 1) - 1;
    for (; i >= head; i--) {
      if (live.test(items[i])) {
        if (out.size() == limit) {
          return new Page(out, true);
        }
        out.add(items[i]);
      }
    }
    return new Page(out, false);
  }

  // Index of the first entry in [head, tail) whose sequence number is above seq (tail if none).
  private int firstAbove(long seq) {
    int lo = head;
    int hi = tail;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (seqOf.applyAsLong(items[mid]) <= seq) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private void trimHead() {
    while (head < tail && !live.test(items[head])) {
      items[head++] = null;
      removed--;
    }
    if (head == tail) {
      head = 0;
      tail = 0;
    }
  }

  private void grow() {
    int size = tail - head;
    if (head > 0 && size < items.length / 2) {
      System.arraycopy(items, head, items, 0, size);
      Arrays.fill(items, size, tail, null);
    } else {
      TrackedMessage[] bigger = new TrackedMessage[items.length * 2];
      System.arraycopy(items, head, bigger, 0, size);
      items = bigger;
    }
    head = 0;
    tail = size;
  }

  private void compact() {
    TrackedMessage[] kept = new TrackedMessage[Math.max(16, size() * 2)];
    int n = 0;
    for (int i = head; i < tail; i++) {
      if (live.test(items[i])) {
        kept[n++] = items[i];
      }
    }
    items = kept;
    head = 0;
    tail = n;
    removed = 0;
  }
}

package io.ackcoord.consumer.offsets;

/**
 * The offsets of one partition that are in flight, ascending: what {@link OffsetTracker} needs of a sorted set
 * (add, remove, lowest, size) without boxing each offset and a tree node around it.
 *
 * <p>Records arrive in offset order, so an add is nearly always an append to a ring of {@code long}s. A removal
 * finds its offset by binary search and marks the slot done; done slots at either end are dropped at once, and the
 * ring is compacted when done slots in the middle (records that finished while an older one still runs) outnumber
 * the live ones three to one, so memory stays proportional to what is in flight. An offset below the highest one
 * present (a re-read after a rewind) is inserted in place: rare, and linear. Not thread-safe.
 */
final class OffsetSet {

  private static final int MIN_CAPACITY = 16;
  private static final int COMPACT_ABOVE = 64;

  private long[] offsets = new long[MIN_CAPACITY];
  private boolean[] done = new boolean[MIN_CAPACITY];
  private int mask = MIN_CAPACITY - 1;
  /** Ring index of the lowest slot; slots {@code [head, head + used)} are sorted, their lowest and highest live. */
  private int head;
  private int used;
  private int live;

  /** Adds {@code offset}; false if it is already present. */
  boolean add(long offset) {
    if (used == 0 || offset > offsets[slot(used - 1)]) {
      grow();
      int s = slot(used++);
      offsets[s] = offset;
      done[s] = false;
      live++;
      return true;
    }
    // Room first: growing compacts, which moves the slots a search would have found.
    grow();
    int i = search(offset);
    if (i >= 0) {
      int s = slot(i);
      if (!done[s]) {
        return false;
      }
      done[s] = false;
      live++;
      return true;
    }
    insert(-i - 1, offset);
    return true;
  }

  /** Removes {@code offset}; false if it was not present. */
  boolean remove(long offset) {
    if (live == 0) {
      return false;
    }
    int i = search(offset);
    if (i < 0 || done[slot(i)]) {
      return false;
    }
    done[slot(i)] = true;
    live--;
    while (used > 0 && done[head]) {
      head = (head + 1) & mask;
      used--;
    }
    while (used > 0 && done[slot(used - 1)]) {
      used--;
    }
    if (used > COMPACT_ABOVE && used > 4 * live) {
      resize(offsets.length);
    }
    return true;
  }

  /** The lowest offset present; only when not {@link #isEmpty}. */
  long first() {
    if (live == 0) {
      throw new IllegalStateException("no offset in flight");
    }
    return offsets[head];
  }

  boolean isEmpty() {
    return live == 0;
  }

  int size() {
    return live;
  }

  /** Slots allocated (for tests of the memory bound). */
  int capacity() {
    return offsets.length;
  }

  private int slot(int logical) {
    return (head + logical) & mask;
  }

  /** The logical index of {@code offset}, or {@code -(insertion point) - 1}, as {@code Arrays.binarySearch}. */
  private int search(long offset) {
    int lo = 0;
    int hi = used - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long v = offsets[slot(mid)];
      if (v < offset) {
        lo = mid + 1;
      } else if (v > offset) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  /** Inserts at logical index {@code at}; there must be a free slot. */
  private void insert(int at, long offset) {
    if (at == 0) {
      head = (head - 1) & mask;
    } else {
      for (int i = used; i > at; i--) {
        offsets[slot(i)] = offsets[slot(i - 1)];
        done[slot(i)] = done[slot(i - 1)];
      }
    }
    used++;
    offsets[slot(at)] = offset;
    done[slot(at)] = false;
    live++;
  }

  private void grow() {
    if (used == offsets.length) {
      resize(offsets.length * 2);
    }
  }

  /** Copies the live offsets, in order, to the start of new arrays of {@code capacity} slots (a power of two). */
  private void resize(int capacity) {
    long[] newOffsets = new long[capacity];
    boolean[] newDone = new boolean[capacity];
    int n = 0;
    for (int i = 0; i < used; i++) {
      int s = slot(i);
      if (!done[s]) {
        newOffsets[n++] = offsets[s];
      }
    }
    offsets = newOffsets;
    done = newDone;
    mask = capacity - 1;
    head = 0;
    used = n;
    live = n;
  }
}

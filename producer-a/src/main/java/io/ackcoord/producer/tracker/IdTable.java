package io.ackcoord.producer.tracker;

import io.ackcoord.producer.ids.IdHash;

/**
 * The pending messages by id: an open-addressing hash table (linear probing) of the messages themselves, keyed by
 * {@link TrackedMessage#id()}. Unlike a {@code HashMap} it allocates nothing per entry, which matters at a million
 * pending messages (a {@code HashMap} node is 32 bytes each; this costs 11 to 22 bytes a message).
 *
 * <p>Each slot keeps its id's hash beside the message, so probing, shifting back and growing compare and move ints
 * and never reach another message's id: reading every id's hash from its {@code String} (a cache miss each) made
 * one rehash at 786,432 pending messages hold A's event loop 34–77 ms (scratch timings), 14–16 ms without.
 *
 * <p>Removal shifts the following entries of the probe run back (no tombstones), so lookups stay short however much
 * churn there is. Ids are hashed with a keyed {@link IdHash}, so callers cannot choose ids that pile up in one probe
 * run. Not thread-safe: it lives on the tracker's event loop.
 */
final class IdTable {

  private static final int MIN_CAPACITY = 64;

  private TrackedMessage[] slots = new TrackedMessage[MIN_CAPACITY];
  private int[] hashes = new int[MIN_CAPACITY];
  private final IdHash idHash = new IdHash();
  private int size;

  int size() {
    return size;
  }

  /** The message with this id, or {@code null}. */
  TrackedMessage get(String id) {
    int h = hash(id);
    int mask = slots.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      TrackedMessage m = slots[i];
      if (m == null || hashes[i] == h && m.hasId(id)) {
        return m;
      }
    }
  }

  boolean containsKey(String id) {
    return get(id) != null;
  }

  /** Adds {@code m}, replacing a message with the same id; returns the replaced one or {@code null}. */
  TrackedMessage put(TrackedMessage m) {
    return put(m.id(), m);
  }

  /** {@link #put(TrackedMessage)} with the message's id at hand, so it is not made again from its bytes. */
  TrackedMessage put(String id, TrackedMessage m) {
    if ((size + 1) * 4L > slots.length * 3L) {
      resize(slots.length * 2);
    }
    int h = hash(id);
    int mask = slots.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      TrackedMessage old = slots[i];
      if (old == null) {
        slots[i] = m;
        hashes[i] = h;
        size++;
        return null;
      }
      if (hashes[i] == h && old.sameId(m)) {
        slots[i] = m;
        return old;
      }
    }
  }

  /** Removes {@code m} if it is the message held under its id; returns whether it was. */
  boolean remove(TrackedMessage m) {
    int mask = slots.length - 1;
    int i = hash(m.id()) & mask;
    while (slots[i] != m) {
      if (slots[i] == null) {
        return false;
      }
      i = (i + 1) & mask;
    }
    slots[i] = null;
    size--;
    // Move back every later entry of the run that may no longer be reachable from its home slot.
    for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
      int home = hashes[j] & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        slots[i] = slots[j];
        hashes[i] = hashes[j];
        slots[j] = null;
        i = j;
      }
    }
    if (slots.length > MIN_CAPACITY && size * 8L < slots.length) {
      resize(slots.length / 2);
    }
    return true;
  }

  private void resize(int capacity) {
    TrackedMessage[] oldSlots = slots;
    int[] oldHashes = hashes;
    slots = new TrackedMessage[capacity];
    hashes = new int[capacity];
    int mask = capacity - 1;
    for (int k = 0; k < oldSlots.length; k++) {
      if (oldSlots[k] != null) {
        int i = oldHashes[k] & mask;
        while (slots[i] != null) {
          i = (i + 1) & mask;
        }
        slots[i] = oldSlots[k];
        hashes[i] = oldHashes[k];
      }
    }
  }

  /** The id's hash code, mixed so that its low bits (the home slot) depend on all of it. */
  private int hash(String id) {
    return idHash.of(id);
  }
}

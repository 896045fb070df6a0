package io.ackcoord.consumer.dedupe;

import io.ackcoord.consumer.DedupeStore;
import io.ackcoord.consumer.IncomingMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
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
 * copy, so recency is the right thing to keep: {@link #contains} and {@link #add} of a known id make it the most
 * recent, since more copies may follow. Not thread-safe: one event loop owns it.
 *
 * <p>Layout: no object per id, so a full store allocates nothing and leaves the GC nothing to trace. Each id is an
 * <em>entry</em> number in parallel primitive arrays: a 128-bit fingerprint (the 128-bit {@link io.ackcoord.hash.SipHash SipHash} of the id, see
 * {@link Fingerprints}), its partition as an index into a small table, and {@code older}/{@code newer} links of a
 * doubly linked recency list: an O(1) move to the back, so the order is exactly the access order of the
 * {@code LinkedHashMap} this replaced (a FIFO ring of entries would need stale-position bookkeeping for that).
 * Entries freed by {@link #forget} are chained through {@code newer} and used first. The lookup is an
 * open-addressing table of entry numbers, linear probing, at most half full, with backward-shift deletion (no
 * tombstones). A slot's int holds entry number + 1 in as few low bits as {@code capacity} needs and a <em>tag</em>,
 * bits of the fingerprint, in the rest (12 at the default capacity): a probe that meets another id's slot reads its
 * fingerprint only if the tags agree, so a lookup of an unknown id, the common case, costs one cache miss in the
 * table instead of about 2.3 (a full store of the default capacity is 48 % full; linear probing then meets 1.3 other
 * ids). The arrays start at 1,024 entries and double up to {@code capacity}, so only growing allocates: B keeps two
 * stores of {@code dedupe.capacity} ids (this one and the default handler's), and a B that sees few ids should not
 * hold 73 MB for them from the start.
 *
 * <p>B hashes each message id once ({@link Fingerprints}) and hands the fingerprint to both of its stores
 * ({@link #contains(long, long)}, {@link #add(TopicPartition, long, long)}); the {@link DedupeStore} methods that take
 * the id hash it themselves, to the same fingerprint.
 *
 * <p>Memory per id at the default capacity (1,000,000): 16 bytes of fingerprint, 4 of partition, 8 of links, and
 * 4 × 2,097,152 / 1,000,000 = 8.4 of lookup table: 36.4 bytes, 36 MB in all. The {@code LinkedHashMap} and
 * per-partition sets it replaces held about 90 bytes per id plus the id string (about 80 for a UUID), and made
 * 72 bytes of garbage per id once full.
 *
 * <p>False positives: a new id is taken for a remembered one only if their 128-bit fingerprints are equal. The key
 * is secret and SipHash is a keyed pseudorandom function, so nobody outside can aim for that; by chance, the
 * probability that any two of n remembered ids share a fingerprint is about n² / 2¹²⁹ (1.5 × 10⁻²⁷ at n =
 * 1,000,000), and that a new id matches one of them n / 2¹²⁸ (3 × 10⁻³³): at 42,000 new ids a second, once in
 * about 3 × 10²⁰ years, far below the rate of undetected hardware memory errors. Such a match would ACK a message
 * without processing it.
 *
 * <p>Longer than most classes on purpose: the table, the entry arrays and the recency list share invariants (an
 * entry's slot, its links, the free chain) that every operation keeps; they stay in one class rather than expose
 * them to each other.
 */
public final class ProcessedIds implements DedupeStore {

  private static final int NONE = -1;
  private static final int FIRST_ENTRIES = 1024;
  /** The most ids a store can hold: its table (a power of 2, at least twice that) must fit an int array. */
  public static final int MAX_CAPACITY = 1 << 29;

  private final int capacity;
  private final Fingerprints fingerprints = new Fingerprints();

  // Per entry. partitionOf is NONE for a free entry.
  private long[] fingerprintHigh;
  private long[] fingerprintLow;
  private int[] partitionOf;
  private int[] older;
  private int[] newer;
  /** Per slot: 0 = empty, else entry number + 1 in the bits of entryMask and the entry's tag in the others. */
  private int[] slots;
  private int mask;
  /** The bits of a slot that hold entry number + 1: as few as capacity needs, the rest hold the tag. */
  private final int entryMask;

  private int size;
  /** Entries handed out at least once: 0 .. used - 1. */
  private int used;
  private int free = NONE;
  private int eldest = NONE;
  private int newest = NONE;

  private final List<TopicPartition> partitions = new ArrayList<>();
  private final Map<TopicPartition, Integer> partitionIndex = new HashMap<>();

  /** @param capacity how many ids to remember, 1 to 2^29 */
  public ProcessedIds(int capacity) {
    if (capacity < 1 || capacity > MAX_CAPACITY) {
      throw new IllegalArgumentException("capacity must be in [1, " + MAX_CAPACITY + "], was " + capacity);
    }
    this.capacity = capacity;
    this.entryMask = (Integer.highestOneBit(capacity) << 1) - 1;
    resize(Math.min(capacity, FIRST_ENTRIES));
  }

  @Override
  public boolean contains(String id) {
    long high = fingerprints.high(id);
    return contains(high, fingerprints.low());
  }

  /** By the fingerprint B's pipeline computed for the message, if it carries one; else by its id. */
  @Override
  public boolean contains(IncomingMessage message) {
    return message instanceof Fingerprinted f ? contains(f.fingerprintHigh(), f.fingerprintLow())
        : contains(message.id());
  }

  /** {@link #contains(String)} of the id whose {@link Fingerprints} fingerprint is {@code high, low}. */
  public boolean contains(long high, long low) {
    int entry = entryAt(probe(high, low));
    if (entry == NONE) {
      return false;
    }
    touch(entry);
    return true;
  }

  @Override
  public void add(TopicPartition partition, String id) {
    long high = fingerprints.high(id);
    add(partition, high, fingerprints.low());
  }

  /** By the fingerprint B's pipeline computed for the message, if it carries one; else by its id. */
  @Override
  public void add(TopicPartition partition, IncomingMessage message) {
    if (message instanceof Fingerprinted f) {
      add(partition, f.fingerprintHigh(), f.fingerprintLow());
    } else {
      add(partition, message.id());
    }
  }

  /** {@link #add(TopicPartition, String)} of the id whose {@link Fingerprints} fingerprint is {@code high, low}. */
  public void add(TopicPartition partition, long high, long low) {
    int p = partitionIndex(partition);
    int slot = probe(high, low);
    int entry = entryAt(slot);
    if (entry != NONE) {
      partitionOf[entry] = p;
      touch(entry);
      return;
    }
    if (size == capacity) {
      remove(eldest);
      slot = probe(high, low); // the backward shift may have moved the empty slot
    } else if (free == NONE && used == partitionOf.length) {
      resize(Math.min(capacity, 2 * used));
      slot = probe(high, low);
    }
    if (free != NONE) {
      entry = free;
      free = newer[entry];
    } else {
      entry = used++;
    }
    fingerprintHigh[entry] = high;
    fingerprintLow[entry] = low;
    partitionOf[entry] = p;
    slots[slot] = tag(high) | (entry + 1);
    append(entry);
    size++;
  }

  @Override
  public void forget(Set<TopicPartition> revoked) {
    boolean[] gone = new boolean[partitions.size()];
    boolean any = false;
    for (TopicPartition tp : revoked) {
      Integer p = partitionIndex.remove(tp);
      if (p != null) {
        gone[p] = true;
        partitions.set(p, null);
        any = true;
      }
    }
    // Revoking is rare: a scan of the entries is fine.
    for (int entry = 0; any && entry < used; entry++) {
      int p = partitionOf[entry];
      if (p != NONE && gone[p]) {
        remove(entry);
      }
    }
  }

  /** How many ids are remembered now. */
  public int size() {
    return size;
  }

  /** The most ids remembered at once. */
  public int capacity() {
    return capacity;
  }

  private int home(long fpLow) {
    return (int) fpLow & mask;
  }

  /**
   * The bits of a fingerprint that its slot keeps beside the entry number: at the default capacity 12 of them, so a
   * probe passing another id's slot reads that id's fingerprint (a cache miss in a large store) once in 4,096 times.
   * Taken from the high half; the home slot comes from the low one.
   */
  private int tag(long fpHigh) {
    return (int) (fpHigh >>> 32) & ~entryMask;
  }

  /** The entry in a slot, NONE if it is empty. */
  private int entryAt(int slot) {
    return (slots[slot] & entryMask) - 1;
  }

  /** The slot holding the given fingerprint, or the empty slot where it belongs. */
  private int probe(long fpHigh, long fpLow) {
    int tag = tag(fpHigh);
    int slot = home(fpLow);
    while (true) {
      int value = slots[slot];
      if (value == 0) {
        return slot;
      }
      if ((value & ~entryMask) == tag) {
        int entry = (value & entryMask) - 1;
        if (fingerprintLow[entry] == fpLow && fingerprintHigh[entry] == fpHigh) {
          return slot;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  private void remove(int entry) {
    clear(probe(fingerprintHigh[entry], fingerprintLow[entry]));
    unlink(entry);
    partitionOf[entry] = NONE;
    newer[entry] = free;
    free = entry;
    size--;
  }

  /** Empties a slot and moves later slots of the run back so that every entry stays reachable from its home. */
  private void clear(int hole) {
    slots[hole] = 0;
    int slot = hole;
    while (true) {
      slot = (slot + 1) & mask;
      int value = slots[slot];
      if (value == 0) {
        return;
      }
      int home = home(fingerprintLow[(value & entryMask) - 1]);
      // It may move into the hole if the hole lies between its home and where it is now.
      if (((slot - home) & mask) >= ((slot - hole) & mask)) {
        slots[hole] = value;
        slots[slot] = 0;
        hole = slot;
      }
    }
  }

  private void touch(int entry) {
    if (entry != newest) {
      unlink(entry);
      append(entry);
    }
  }

  private void unlink(int entry) {
    int before = older[entry];
    int after = newer[entry];
    if (before == NONE) {
      eldest = after;
    } else {
      newer[before] = after;
    }
    if (after == NONE) {
      newest = before;
    } else {
      older[after] = before;
    }
  }

  private void append(int entry) {
    older[entry] = newest;
    newer[entry] = NONE;
    if (newest == NONE) {
      eldest = entry;
    } else {
      newer[newest] = entry;
    }
    newest = entry;
  }

  /** Grows the entry arrays to {@code entries} and rebuilds the table at twice that, rounded up to a power of 2. */
  private void resize(int entries) {
    fingerprintHigh = fingerprintHigh == null ? new long[entries] : Arrays.copyOf(fingerprintHigh, entries);
    fingerprintLow = fingerprintLow == null ? new long[entries] : Arrays.copyOf(fingerprintLow, entries);
    older = older == null ? new int[entries] : Arrays.copyOf(older, entries);
    newer = newer == null ? new int[entries] : Arrays.copyOf(newer, entries);
    partitionOf = partitionOf == null ? new int[entries] : Arrays.copyOf(partitionOf, entries);
    int table = Math.max(2, Integer.highestOneBit(2 * entries - 1) << 1);
    slots = new int[table];
    mask = table - 1;
    for (int entry = 0; entry < used; entry++) {
      if (partitionOf[entry] != NONE) {
        slots[probe(fingerprintHigh[entry], fingerprintLow[entry])] = tag(fingerprintHigh[entry]) | (entry + 1);
      }
    }
  }

  private int partitionIndex(TopicPartition partition) {
    Integer known = partitionIndex.get(partition);
    if (known != null) {
      return known;
    }
    int p = partitions.indexOf(null);
    if (p < 0) {
      p = partitions.size();
      partitions.add(partition);
    } else {
      partitions.set(p, partition);
    }
    partitionIndex.put(partition, p);
    return p;
  }
}

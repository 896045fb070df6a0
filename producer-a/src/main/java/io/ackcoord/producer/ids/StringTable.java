package io.ackcoord.producer.ids;

/**
 * A map from message id to a value in two parallel arrays (open addressing, linear probing), for the per-message
 * maps of A that hold a million entries: a {@code HashMap} node costs 32 bytes plus its slot, this 24 to 48 bytes
 * an entry and nothing allocated per entry. Removal shifts the rest of the probe run back, and each slot keeps its
 * key's hash, as in the tracker's {@code IdTable}: lookups stay short however much churn there is, and neither a
 * probe nor a rehash reaches another entry's key.
 *
 * <p>Not thread-safe: it lives on A's event loop.
 *
 * @param <V> the values; {@code null} is not one
 */
public final class StringTable<V> {

  private static final int MIN_CAPACITY = 64;

  private String[] keys = new String[MIN_CAPACITY];
  private Object[] values = new Object[MIN_CAPACITY];
  private int[] hashes = new int[MIN_CAPACITY];
  private final IdHash idHash = new IdHash();
  private int size;

  public int size() {
    return size;
  }

  /** The value under {@code key}, or {@code null}. */
  @SuppressWarnings("unchecked")
  public V get(String key) {
    int h = hash(key);
    int mask = keys.length - 1;
    for (int i = h & mask; keys[i] != null; i = (i + 1) & mask) {
      if (hashes[i] == h && keys[i].equals(key)) {
        return (V) values[i];
      }
    }
    return null;
  }

  /** Puts {@code value} under {@code key}; returns the value it replaced, or {@code null}. */
  @SuppressWarnings("unchecked")
  public V put(String key, V value) {
    // Half full, not three quarters like the tracker's IdTable: the two tables then never grow on the same message,
    // and their rehashes of a million entries do not stack.
    if ((size + 1) * 2L > keys.length) {
      resize(keys.length * 2);
    }
    int h = hash(key);
    int mask = keys.length - 1;
    int i = h & mask;
    for (; keys[i] != null; i = (i + 1) & mask) {
      if (hashes[i] == h && keys[i].equals(key)) {
        V old = (V) values[i];
        values[i] = value;
        return old;
      }
    }
    keys[i] = key;
    values[i] = value;
    hashes[i] = h;
    size++;
    return null;
  }

  /** Removes {@code key}; returns its value, or {@code null} if it had none. */
  @SuppressWarnings("unchecked")
  public V remove(String key) {
    int h = hash(key);
    int mask = keys.length - 1;
    int i = h & mask;
    while (keys[i] != null && !(hashes[i] == h && keys[i].equals(key))) {
      i = (i + 1) & mask;
    }
    if (keys[i] == null) {
      return null;
    }
    V old = (V) values[i];
    keys[i] = null;
    values[i] = null;
    size--;
    // Move back every later entry of the run that may no longer be reachable from its home slot.
    for (int j = (i + 1) & mask; keys[j] != null; j = (j + 1) & mask) {
      int home = hashes[j] & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        keys[i] = keys[j];
        values[i] = values[j];
        hashes[i] = hashes[j];
        keys[j] = null;
        values[j] = null;
        i = j;
      }
    }
    if (keys.length > MIN_CAPACITY && size * 8L < keys.length) {
      resize(keys.length / 2);
    }
    return old;
  }

  private void resize(int capacity) {
    String[] oldKeys = keys;
    Object[] oldValues = values;
    int[] oldHashes = hashes;
    keys = new String[capacity];
    values = new Object[capacity];
    hashes = new int[capacity];
    int mask = capacity - 1;
    for (int k = 0; k < oldKeys.length; k++) {
      if (oldKeys[k] != null) {
        int i = oldHashes[k] & mask;
        while (keys[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[k];
        values[i] = oldValues[k];
        hashes[i] = oldHashes[k];
      }
    }
  }

  private int hash(String key) {
    return idHash.of(key);
  }
}

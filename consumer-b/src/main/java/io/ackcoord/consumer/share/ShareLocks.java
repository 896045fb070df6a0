package io.ackcoord.consumer.share;

import io.ackcoord.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The broker's acquisition locks on the records this B holds in a share group, as B can know them: a lock counts from
 * when B asked for the record (the broker took it later, so B's view expires first) and is extended only by a
 * {@code RENEW} the broker confirmed. Pure: time comes from the injected {@link Clock}, the monotonic one, so a
 * frozen B that wakes up finds its locks lapsed.
 *
 * <p>Two thresholds: a record may have effects written while more than {@code margin} of its lock is left (an effect
 * handed to the producer then still lands before the broker can give the record to another B), and a record still
 * running is due for renewal once less than half of it is left. Thread-safe: locks are taken, renewed and
 * released on the share consumer's thread and read on B's event loop.
 */
public final class ShareLocks {

  /** A record of topic 1 in a share group: partition and offset name it. */
  public record Key(TopicPartition partition, long offset) {
    @Override
    public String toString() {
      return partition + "@" + offset;
    }
  }

  private final Clock clock;
  private final ConcurrentHashMap<Key, Long> expiresAt = new ConcurrentHashMap<>();
  private volatile long lockMillis;

  /** @param lockMillis the share group's {@code share.record.lock.duration.ms} */
  public ShareLocks(Clock clock, long lockMillis) {
    this.clock = clock;
    setLockMillis(lockMillis);
  }

  /** The lock duration the broker reported (it may differ from what B read from the group's config). */
  public void setLockMillis(long lockMillis) {
    if (lockMillis < 1) {
      throw new IllegalArgumentException("lockMillis must be >= 1, was " + lockMillis);
    }
    this.lockMillis = lockMillis;
  }

  public long lockMillis() {
    return lockMillis;
  }

  /** Left of the lock below which B writes no more effects for a record: a fifth of the lock. */
  public long marginMillis() {
    return lockMillis / 5;
  }

  /**
   * Left of the lock below which a record still running is renewed: half the lock, so the broker's confirmation,
   * which comes with a later poll, arrives well before the margin.
   */
  public long renewBeforeMillis() {
    return lockMillis / 2;
  }

  /** B asked, at {@code askedAtMillis} (monotonic), for the poll that returned this record. */
  public void acquired(Key key, long askedAtMillis) {
    expiresAt.put(key, askedAtMillis + lockMillis);
  }

  /**
   * The broker confirmed a {@code RENEW} that B sent at {@code sentAtMillis}: it still held the lock when the RENEW
   * arrived, so the lock runs for a full duration from at least then, even if B's own view had it lapsed already.
   */
  public void renewed(Key key, long sentAtMillis) {
    expiresAt.computeIfPresent(key, (k, old) -> old == Long.MIN_VALUE ? old : Math.max(old, sentAtMillis + lockMillis));
  }

  /** The broker refused an acknowledgement of the record: the lock is gone. */
  public void lost(Key key) {
    expiresAt.computeIfPresent(key, (k, old) -> Long.MIN_VALUE);
  }

  /** B acknowledged the record for good (accepted, rejected or released it). */
  public void released(Key key) {
    expiresAt.remove(key);
  }

  /** Whether B may still write an effect or a reply for the record. */
  public boolean held(Key key) {
    return remainingMillis(key) > marginMillis();
  }

  /** Milliseconds left of the record's lock as B knows it; {@link Long#MIN_VALUE} for a record B does not hold. */
  public long remainingMillis(Key key) {
    Long expiry = expiresAt.get(key);
    return expiry == null || expiry == Long.MIN_VALUE ? Long.MIN_VALUE : expiry - clock.monotonicMillis();
  }

  /** Of {@code running}, the records whose lock is still held but due for renewal now. */
  public List<Key> due(Collection<Key> running) {
    List<Key> due = new ArrayList<>();
    for (Key key : running) {
      long left = remainingMillis(key);
      if (left > 0 && left < renewBeforeMillis()) {
        due.add(key);
      }
    }
    return due;
  }

  /** Records held now. */
  public int size() {
    return expiresAt.size();
  }
}

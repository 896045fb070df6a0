package io.ackcoord.consumer.loop;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;

/**
 * Which topic-1 partitions this B owns, each with the epoch of its current assignment: a number that is new every
 * time the partition is assigned. A record carries the epoch it was read under; work for it may continue only while
 * that epoch is current, so nothing B started before losing a partition (or before losing and getting it back)
 * replies, writes or commits over the work of whoever owned it since.
 *
 * <p>Written on the consumer thread, inside the rebalance callbacks, before the consumer moves on; read anywhere.
 * A partition being revoked is <em>draining</em>: work already started may finish, nothing new starts.
 */
public final class PartitionEpochs {

  /** The epoch of a partition this B does not own. */
  public static final long NONE = -1;

  private record State(long epoch, boolean draining) {
  }

  private final AtomicLong next = new AtomicLong();
  private final ConcurrentHashMap<TopicPartition, State> owned = new ConcurrentHashMap<>();

  /** The partitions were assigned: each gets a new epoch. */
  public void assign(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> owned.put(tp, new State(next.incrementAndGet(), false)));
  }

  /** The partitions are being revoked: started work may finish, nothing new may start. */
  public void drain(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> owned.computeIfPresent(tp, (k, s) -> new State(s.epoch(), true)));
  }

  /** The partitions are gone (revoked or lost): no work of theirs may continue. */
  public void remove(Collection<TopicPartition> partitions) {
    partitions.forEach(owned::remove);
  }

  /** The current epoch of {@code partition}, or {@link #NONE}. */
  public long current(TopicPartition partition) {
    State s = owned.get(partition);
    return s == null ? NONE : s.epoch();
  }

  /** Whether work read under {@code epoch} may still finish (reply, marker, commit). */
  public boolean isCurrent(TopicPartition partition, long epoch) {
    State s = owned.get(partition);
    return s != null && s.epoch() == epoch;
  }

  /** Whether work read under {@code epoch} may start (handler, effect). */
  boolean mayStart(TopicPartition partition, long epoch) {
    State s = owned.get(partition);
    return s != null && s.epoch() == epoch && !s.draining();
  }

  /** The partitions owned now, draining ones included. */
  public Set<TopicPartition> owned() {
    return Set.copyOf(owned.keySet());
  }
}

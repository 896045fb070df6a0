package io.ackcoord.consumer.offsets;

import io.ackcoord.consumer.loop.PartitionEpochs;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each partition may be committed, when records finish out of order.
 *
 * <p>Kafka commits a position, not a set: committing {@code n} says "every record below {@code n} is done". So the
 * safe position of a partition is its lowest offset still in flight, or, when none is, the highest completed offset
 * + 1. A record that finished early waits for the slower ones below it; after a crash they are all read again, and
 * the dedupe record and A's tolerance of duplicate replies absorb that.
 *
 * <p>Guarantee: {@link #drainCommittable()} never returns a position above an offset that is tracked and not yet
 * completed, and never moves a partition's position backwards. Pure bookkeeping, no I/O, not thread-safe: one
 * event loop owns it.
 */
public final class OffsetTracker {

  private static final class PartitionState {
    final OffsetSet inFlight = new OffsetSet();
    final long epoch;
    long highestSeen;
    /** The position last handed out by a drain, or the first tracked offset (nothing to commit yet). */
    long drained;

    PartitionState(long firstOffset, long epoch) {
      this.epoch = epoch;
      this.highestSeen = firstOffset;
      this.drained = firstOffset;
    }

    long safePosition() {
      return inFlight.isEmpty() ? highestSeen + 1 : inFlight.first();
    }
  }

  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();

  /** Records that {@code offset} of {@code partition} was received and is not finished yet. */
  public void track(TopicPartition partition, long offset) {
    track(partition, offset, 0);
  }

  /**
   * Records that {@code offset} of {@code partition}, read under assignment {@code epoch}, was received and is not
   * finished yet. A record of a newer epoch starts the partition afresh: what an earlier assignment left behind is
   * not ours to commit any more.
   */
  public void track(TopicPartition partition, long offset, long epoch) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, was " + offset);
    }
    PartitionState state = partitions.get(partition);
    if (state == null || state.epoch != epoch) {
      state = new PartitionState(offset, epoch);
      partitions.put(partition, state);
    }
    state.inFlight.add(offset);
    state.highestSeen = Math.max(state.highestSeen, offset);
  }

  /** The epoch the partition's offsets were read under, or {@link PartitionEpochs#NONE} if none is tracked. */
  public long epoch(TopicPartition partition) {
    PartitionState state = partitions.get(partition);
    return state == null ? PartitionEpochs.NONE : state.epoch;
  }

  /**
   * The safe position of every tracked partition, whether or not it advanced: what a commit made only to renew
   * the lease sends. Changes nothing.
   */
  public Map<TopicPartition, OffsetAndMetadata> positions() {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    partitions.forEach((tp, state) -> out.put(tp, new OffsetAndMetadata(state.safePosition())));
    return out;
  }

  /**
   * Records that {@code offset} is finished (its reply is confirmed).
   *
   * @return false if the offset was not in flight: its partition was {@linkplain #forget forgotten} (revoked) or it
   *     was completed already; nothing changes then
   */
  public boolean complete(TopicPartition partition, long offset) {
    PartitionState state = partitions.get(partition);
    return state != null && state.inFlight.remove(offset);
  }

  /**
   * The positions to commit now: one per partition whose safe position advanced since the last drain. The returned
   * positions count as handed out; report a failed commit with {@link #commitFailed} so they are drained again.
   */
  public Map<TopicPartition, OffsetAndMetadata> drainCommittable() {
    return drainCommittable(partitions.keySet());
  }

  /** {@link #drainCommittable()} restricted to the given partitions (for those being revoked). */
  public Map<TopicPartition, OffsetAndMetadata> drainCommittable(Collection<TopicPartition> which) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (TopicPartition tp : which) {
      PartitionState state = partitions.get(tp);
      if (state == null) {
        continue;
      }
      long safe = state.safePosition();
      if (safe > state.drained) {
        state.drained = safe;
        out.put(tp, new OffsetAndMetadata(safe));
      }
    }
    return out;
  }

  /**
   * The position last handed out by a drain for {@code partition}, or the offset its tracking started at: a position
   * that can be committed again without moving backwards. Empty if the partition is not tracked.
   */
  public OptionalLong handedOut(TopicPartition partition) {
    PartitionState state = partitions.get(partition);
    return state == null ? OptionalLong.empty() : OptionalLong.of(state.drained);
  }

  /**
   * Puts back positions whose commit failed, so the next drain returns them (or a later position) again. A
   * partition drained further since is left alone: its newer position covers the failed one.
   */
  public void commitFailed(Map<TopicPartition, OffsetAndMetadata> failed) {
    failed.forEach((tp, position) -> {
      PartitionState state = partitions.get(tp);
      if (state != null && state.drained == position.offset()) {
        state.drained = position.offset() - 1;
      }
    });
  }

  /** Drops everything about partitions this consumer no longer owns; later completions for them are ignored. */
  public void forget(Collection<TopicPartition> revoked) {
    revoked.forEach(partitions::remove);
  }

  /** Offsets tracked and not completed, over all partitions. */
  public int inFlight() {
    int n = 0;
    for (PartitionState state : partitions.values()) {
      n += state.inFlight.size();
    }
    return n;
  }

  /** Offsets of {@code partition} tracked and not completed. */
  public int inFlight(TopicPartition partition) {
    PartitionState state = partitions.get(partition);
    return state == null ? 0 : state.inFlight.size();
  }
}

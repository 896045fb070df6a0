package io.ackcoord.consumer.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.consumer.loop.PartitionEpochs;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

  private static final TopicPartition P0 = new TopicPartition("messages", 0);
  private static final TopicPartition P1 = new TopicPartition("messages", 1);

  private final OffsetTracker tracker = new OffsetTracker();

  @Test
  @DisplayName("nothing is committable before anything completes")
  void nothingBeforeCompletion() {
    tracker.track(P0, 10);
    tracker.track(P0, 11);

    assertThat(tracker.drainCommittable()).isEmpty();
  }

  @Test
  @DisplayName("in-order completion commits last completed + 1")
  void inOrder() {
    tracker.track(P0, 10);
    tracker.track(P0, 11);
    tracker.complete(P0, 10);
    tracker.complete(P0, 11);

    assertThat(tracker.drainCommittable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(12)));
  }

  @Test
  @DisplayName("a later offset finishing first does not move the position past a running one")
  void outOfOrderWaitsForLowest() {
    tracker.track(P0, 5);
    tracker.track(P0, 6);
    tracker.track(P0, 7);

    tracker.complete(P0, 7);
    tracker.complete(P0, 6);
    assertThat(tracker.drainCommittable()).as("5 still running").isEmpty();

    tracker.complete(P0, 5);
    assertThat(tracker.drainCommittable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(8)));
  }

  @Test
  @DisplayName("the position stops at the lowest offset still in flight")
  void positionIsLowestInFlight() {
    for (long o = 0; o < 5; o++) {
      tracker.track(P0, o);
    }
    tracker.complete(P0, 0);
    tracker.complete(P0, 1);
    tracker.complete(P0, 3);
    tracker.complete(P0, 4);

    assertThat(tracker.drainCommittable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(2)));
    assertThat(tracker.inFlight(P0)).isEqualTo(1);
  }

  @Test
  @DisplayName("a drain returns only partitions whose position advanced since the last drain")
  void drainOnlyAdvanced() {
    tracker.track(P0, 0);
    tracker.track(P1, 0);
    tracker.complete(P0, 0);
    tracker.complete(P1, 0);
    assertThat(tracker.drainCommittable()).containsOnlyKeys(P0, P1);

    tracker.track(P0, 1);
    tracker.track(P1, 1);
    tracker.complete(P1, 1);

    assertThat(tracker.drainCommittable()).containsExactly(Map.entry(P1, new OffsetAndMetadata(2)));
    assertThat(tracker.drainCommittable()).isEmpty();
  }

  @Test
  @DisplayName("gaps in offsets (compaction, transaction markers) do not hold the position back")
  void gaps() {
    tracker.track(P0, 10);
    tracker.track(P0, 13);
    tracker.complete(P0, 13);
    tracker.complete(P0, 10);

    assertThat(tracker.drainCommittable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(14)));
  }

  @Test
  @DisplayName("a failed commit is drained again")
  void failedCommitIsRedrained() {
    tracker.track(P0, 0);
    tracker.complete(P0, 0);
    Map<TopicPartition, OffsetAndMetadata> first = tracker.drainCommittable();

    tracker.commitFailed(first);

    assertThat(tracker.drainCommittable()).isEqualTo(first);
  }

  @Test
  @DisplayName("a failed commit overtaken by a later drain is not put back")
  void failedCommitOvertaken() {
    tracker.track(P0, 0);
    tracker.complete(P0, 0);
    Map<TopicPartition, OffsetAndMetadata> first = tracker.drainCommittable();
    tracker.track(P0, 1);
    tracker.complete(P0, 1);
    assertThat(tracker.drainCommittable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(2)));

    tracker.commitFailed(first);

    assertThat(tracker.drainCommittable()).isEmpty();
  }

  @Test
  @DisplayName("forgotten partitions are dropped and their late completions ignored")
  void forget() {
    tracker.track(P0, 0);
    tracker.track(P1, 0);
    tracker.complete(P1, 0);

    tracker.forget(List.of(P0, P1));

    assertThat(tracker.complete(P0, 0)).isFalse();
    assertThat(tracker.drainCommittable()).isEmpty();
    assertThat(tracker.inFlight()).isZero();
  }

  @Test
  @DisplayName("draining selected partitions leaves the others for later")
  void drainSelected() {
    tracker.track(P0, 0);
    tracker.track(P1, 0);
    tracker.complete(P0, 0);
    tracker.complete(P1, 0);

    assertThat(tracker.drainCommittable(List.of(P0))).containsOnlyKeys(P0);
    assertThat(tracker.drainCommittable()).containsOnlyKeys(P1);
  }

  @Test
  @DisplayName("completing an offset twice, or one never tracked, changes nothing")
  void doubleCompletion() {
    tracker.track(P0, 3);

    assertThat(tracker.complete(P0, 3)).isTrue();
    assertThat(tracker.complete(P0, 3)).isFalse();
    assertThat(tracker.complete(P0, 99)).isFalse();
    assertThat(tracker.drainCommittable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(4)));
  }

  @Test
  @DisplayName("a re-read of lower offsets (rewind) never moves a committed position backwards")
  void neverBackwards() {
    tracker.track(P0, 20);
    tracker.complete(P0, 20);
    assertThat(tracker.drainCommittable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(21)));

    tracker.track(P0, 15);
    assertThat(tracker.drainCommittable()).isEmpty();
    tracker.complete(P0, 15);
    assertThat(tracker.drainCommittable()).isEmpty();
  }

  @Test
  @DisplayName("a record of a newer assignment epoch starts the partition afresh")
  void newerEpochStartsAfresh() {
    OffsetTracker tracker = new OffsetTracker();
    TopicPartition tp = new TopicPartition("t", 0);
    tracker.track(tp, 5, 1);
    tracker.track(tp, 6, 1);
    tracker.complete(tp, 6);

    tracker.track(tp, 3, 2);
    tracker.complete(tp, 3);

    assertThat(tracker.epoch(tp)).isEqualTo(2);
    assertThat(tracker.drainCommittable()).containsEntry(tp, new OffsetAndMetadata(4));
    assertThat(tracker.inFlight(tp)).isZero();
  }

  @Test
  @DisplayName("handedOut: where tracking started, then the last position drained; nothing for an untracked partition")
  void handedOut() {
    OffsetTracker tracker = new OffsetTracker();
    TopicPartition tp = new TopicPartition("t", 0);
    assertThat(tracker.handedOut(tp)).isEmpty();
    tracker.track(tp, 5, 1);
    tracker.track(tp, 6, 1);
    assertThat(tracker.handedOut(tp)).hasValue(5);

    tracker.complete(tp, 6);
    assertThat(tracker.drainCommittable()).isEmpty();
    assertThat(tracker.handedOut(tp)).as("6 done, 5 still running").hasValue(5);
    tracker.complete(tp, 5);
    assertThat(tracker.drainCommittable()).containsEntry(tp, new OffsetAndMetadata(7));
    assertThat(tracker.handedOut(tp)).hasValue(7);
  }

  @Test
  @DisplayName("positions() reports the safe position without handing it out")
  void positionsDoNotDrain() {
    OffsetTracker tracker = new OffsetTracker();
    TopicPartition tp = new TopicPartition("t", 0);
    tracker.track(tp, 0, 1);
    tracker.track(tp, 1, 1);
    tracker.complete(tp, 0);

    assertThat(tracker.positions()).containsEntry(tp, new OffsetAndMetadata(1));
    assertThat(tracker.drainCommittable()).containsEntry(tp, new OffsetAndMetadata(1));
    assertThat(tracker.positions()).containsEntry(tp, new OffsetAndMetadata(1));
    assertThat(tracker.epoch(new TopicPartition("t", 9))).isEqualTo(PartitionEpochs.NONE);
  }
}

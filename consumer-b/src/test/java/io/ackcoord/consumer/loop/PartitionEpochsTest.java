package io.ackcoord.consumer.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PartitionEpochsTest {

  private static final TopicPartition P0 = new TopicPartition("messages", 0);
  private static final TopicPartition P1 = new TopicPartition("messages", 1);

  private final PartitionEpochs epochs = new PartitionEpochs();

  @Test
  @DisplayName("an assigned partition's epoch is current: work may start and finish")
  void assigned() {
    epochs.assign(List.of(P0));
    long epoch = epochs.current(P0);

    assertThat(epochs.isCurrent(P0, epoch)).isTrue();
    assertThat(epochs.mayStart(P0, epoch)).isTrue();
    assertThat(epochs.current(P1)).isEqualTo(PartitionEpochs.NONE);
    assertThat(epochs.owned()).containsExactly(P0);
  }

  @Test
  @DisplayName("a draining partition lets started work finish but nothing new start")
  void draining() {
    epochs.assign(List.of(P0));
    long epoch = epochs.current(P0);

    epochs.drain(List.of(P0));

    assertThat(epochs.isCurrent(P0, epoch)).isTrue();
    assertThat(epochs.mayStart(P0, epoch)).isFalse();
  }

  @Test
  @DisplayName("lost and assigned back: work read under the old epoch may neither start nor finish")
  void reassigned() {
    epochs.assign(List.of(P0, P1));
    long old = epochs.current(P0);

    epochs.remove(List.of(P0));
    assertThat(epochs.isCurrent(P0, old)).isFalse();
    epochs.assign(List.of(P0));

    assertThat(epochs.current(P0)).isNotEqualTo(old);
    assertThat(epochs.isCurrent(P0, old)).isFalse();
    assertThat(epochs.mayStart(P0, old)).isFalse();
    assertThat(epochs.isCurrent(P1, epochs.current(P1))).isTrue();
  }
}

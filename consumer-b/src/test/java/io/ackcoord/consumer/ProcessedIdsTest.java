package io.ackcoord.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProcessedIdsTest {

  private static final TopicPartition P0 = new TopicPartition("messages", 0);
  private static final TopicPartition P1 = new TopicPartition("messages", 1);

  @Test
  @DisplayName("an added id is contained, an unknown one is not")
  void containsAdded() {
    ProcessedIds ids = new ProcessedIds(10);
    ids.add(P0, "a");

    assertThat(ids.contains("a")).isTrue();
    assertThat(ids.contains("b")).isFalse();
  }

  @Test
  @DisplayName("beyond capacity the least recently used id is forgotten")
  void evictsLeastRecentlyUsed() {
    ProcessedIds ids = new ProcessedIds(2);
    ids.add(P0, "a");
    ids.add(P0, "b");
    assertThat(ids.contains("a")).isTrue(); // a is now more recent than b

    ids.add(P0, "c");

    assertThat(ids.contains("b")).isFalse();
    assertThat(ids.contains("a")).isTrue();
    assertThat(ids.contains("c")).isTrue();
    assertThat(ids.size()).isEqualTo(2);
  }

  @Test
  @DisplayName("adding an id twice keeps one entry")
  void addTwice() {
    ProcessedIds ids = new ProcessedIds(2);
    ids.add(P0, "a");
    ids.add(P0, "a");

    assertThat(ids.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("capacity 1 remembers only the last id")
  void capacityOne() {
    ProcessedIds ids = new ProcessedIds(1);
    ids.add(P0, "a");
    ids.add(P0, "b");

    assertThat(ids.contains("a")).isFalse();
    assertThat(ids.contains("b")).isTrue();
  }

  @Test
  @DisplayName("capacity below 1 is refused")
  void badCapacity() {
    assertThatThrownBy(() -> new ProcessedIds(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("forgetting a partition drops its ids and keeps the others")
  void forgetPartition() {
    ProcessedIds ids = new ProcessedIds(10);
    ids.add(P0, "a");
    ids.add(P1, "b");

    ids.forget(Set.of(P0));

    assertThat(ids.contains("a")).isFalse();
    assertThat(ids.contains("b")).isTrue();
    assertThat(ids.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("an evicted id is gone from its partition too: forgetting the partition later changes nothing else")
  void evictionKeepsIndex() {
    ProcessedIds ids = new ProcessedIds(1);
    ids.add(P0, "a");
    ids.add(P1, "b"); // evicts a

    ids.forget(Set.of(P0));

    assertThat(ids.contains("b")).isTrue();
    assertThat(ids.size()).isEqualTo(1);
  }
}

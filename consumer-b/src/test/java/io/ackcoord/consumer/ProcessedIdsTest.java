package io.ackcoord.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProcessedIdsTest {

  @Test
  @DisplayName("an added id is contained, an unknown one is not")
  void containsAdded() {
    ProcessedIds ids = new ProcessedIds(10);
    ids.add("a");

    assertThat(ids.contains("a")).isTrue();
    assertThat(ids.contains("b")).isFalse();
  }

  @Test
  @DisplayName("beyond capacity the least recently used id is forgotten")
  void evictsLeastRecentlyUsed() {
    ProcessedIds ids = new ProcessedIds(2);
    ids.add("a");
    ids.add("b");
    assertThat(ids.contains("a")).isTrue(); // a is now more recent than b

    ids.add("c");

    assertThat(ids.contains("b")).isFalse();
    assertThat(ids.contains("a")).isTrue();
    assertThat(ids.contains("c")).isTrue();
    assertThat(ids.size()).isEqualTo(2);
  }

  @Test
  @DisplayName("adding an id twice keeps one entry")
  void addTwice() {
    ProcessedIds ids = new ProcessedIds(2);
    ids.add("a");
    ids.add("a");

    assertThat(ids.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("capacity 1 remembers only the last id")
  void capacityOne() {
    ProcessedIds ids = new ProcessedIds(1);
    ids.add("a");
    ids.add("b");

    assertThat(ids.contains("a")).isFalse();
    assertThat(ids.contains("b")).isTrue();
  }

  @Test
  @DisplayName("capacity below 1 is refused")
  void badCapacity() {
    assertThatThrownBy(() -> new ProcessedIds(0)).isInstanceOf(IllegalArgumentException.class);
  }
}

package io.ackcoord.consumer.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OffsetSetTest {

  private final OffsetSet set = new OffsetSet();

  @Test
  @DisplayName("appended offsets come out lowest first, whatever order they finish in")
  void lowestFirst() {
    for (long o = 10; o < 20; o++) {
      assertThat(set.add(o)).isTrue();
    }
    assertThat(set.remove(15)).isTrue();
    assertThat(set.remove(10)).isTrue();
    assertThat(set.first()).isEqualTo(11);
    assertThat(set.size()).isEqualTo(8);
    assertThat(set.remove(11)).isTrue();
    assertThat(set.remove(12)).isTrue();
    assertThat(set.remove(13)).isTrue();
    assertThat(set.remove(14)).isTrue();
    assertThat(set.first()).as("the finished 15 is skipped").isEqualTo(16);
  }

  @Test
  @DisplayName("an offset below the highest (a re-read) is inserted in place, also below the lowest")
  void insertBelow() {
    set.add(5);
    set.add(9);
    assertThat(set.add(7)).isTrue();
    assertThat(set.add(1)).isTrue();
    assertThat(set.add(7)).as("present").isFalse();

    assertThat(drain()).containsExactly(1L, 5L, 7L, 9L);
  }

  @Test
  @DisplayName("a removed offset is absent, and can be added again")
  void removeAndAddAgain() {
    set.add(1);
    set.add(2);
    set.add(3);
    assertThat(set.remove(2)).isTrue();
    assertThat(set.remove(2)).isFalse();
    assertThat(set.remove(42)).isFalse();
    assertThat(set.add(2)).isTrue();

    assertThat(drain()).containsExactly(1L, 2L, 3L);
    assertThat(set.remove(1)).isFalse();
  }

  @Test
  @DisplayName("empty: no lowest offset")
  void empty() {
    assertThat(set.isEmpty()).isTrue();
    set.add(3);
    set.remove(3);
    assertThat(set.isEmpty()).isTrue();
    assertThatThrownBy(set::first).isInstanceOf(IllegalStateException.class);
  }

  @Test
  @DisplayName("one slow record and a million finishing behind it: the set keeps only what is in flight")
  void slowHeadCompacts() {
    set.add(0);
    for (long o = 1; o <= 1_000_000; o++) {
      set.add(o);
      set.remove(o - 1 == 0 ? -1 : o - 1);
    }
    assertThat(set.size()).isEqualTo(2);
    assertThat(set.capacity()).as("compacted as it went").isLessThanOrEqualTo(256);
    assertThat(set.first()).isZero();
    set.remove(0);
    assertThat(set.first()).isEqualTo(1_000_000);
  }

  @Test
  @DisplayName("behaves as a TreeSet under random appends, re-reads and removals")
  void sameAsTreeSet() {
    for (long seed = 1; seed <= 20; seed++) {
      Random random = new Random(seed);
      OffsetSet subject = new OffsetSet();
      TreeSet<Long> model = new TreeSet<>();
      long next = 0;
      for (int step = 0; step < 20_000; step++) {
        int op = random.nextInt(10);
        if (op < 5) {
          next += 1 + random.nextInt(3);
          assertThat(subject.add(next)).isEqualTo(model.add(next));
        } else if (op < 6) {
          long reread = Math.max(0, next - random.nextInt(200));
          assertThat(subject.add(reread)).as("seed %d step %d add %d", seed, step, reread)
              .isEqualTo(model.add(reread));
        } else {
          Long near = model.ceiling(next - random.nextInt(100));
          long target = model.isEmpty() || random.nextInt(4) == 0
              ? Math.max(0, next - random.nextInt(300))  // present or not
              : random.nextBoolean() || near == null ? model.first() : near;
          assertThat(subject.remove(target)).as("seed %d step %d remove %d", seed, step, target)
              .isEqualTo(model.remove(target));
        }
        assertThat(subject.size()).isEqualTo(model.size());
        if (!model.isEmpty()) {
          assertThat(subject.first()).as("seed %d step %d", seed, step).isEqualTo(model.first());
        }
      }
    }
  }

  private java.util.List<Long> drain() {
    java.util.List<Long> out = new java.util.ArrayList<>();
    while (!set.isEmpty()) {
      long first = set.first();
      out.add(first);
      set.remove(first);
    }
    return out;
  }
}

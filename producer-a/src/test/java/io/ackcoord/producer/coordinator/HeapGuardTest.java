package io.ackcoord.producer.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.producer.ProducerOptions;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HeapGuardTest {

  private static final long MAX = 1000L << 20;

  @Test
  @DisplayName("submissions pass until the heap after GC is over the limit, and pass again once it is back under")
  void refusesAboveTheLimit() {
    HeapGuard guard = new HeapGuard(0.9, MAX);
    assertThat(guard.get()).as("before any collection").isNull();

    guard.gcCompleted((long) (MAX * 0.85));
    assertThat(guard.get()).isNull();

    guard.gcCompleted((long) (MAX * 0.95));
    assertThat(guard.get()).contains("95% full").contains(ProducerOptions.HEAP_LIMIT).contains("0.90")
        .contains("1000 MB");

    guard.gcCompleted((long) (MAX * 0.5));
    assertThat(guard.get()).isNull();
  }

  @Test
  @DisplayName("a limit of 1 turns the check off")
  void offAtOne() {
    HeapGuard guard = new HeapGuard(1, MAX);
    guard.gcCompleted(MAX);
    assertThat(guard.get()).isNull();
  }

  @Test
  @DisplayName("the JVM's collectors feed the guard: after a full GC it knows the heap in use")
  void fedByThisJvm() {
    try (HeapGuard guard = HeapGuard.forThisJvm(0.0001)) {
      System.gc();
      // A heap of a few MB in use is far over 0.01 % of the maximum, so the guard refuses once a collection reported.
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> guard.get() != null);
    }
  }
}

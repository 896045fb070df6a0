package io.ackcoord.consumer.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.time.ManualClock;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ShareLocksTest {

  private static final TopicPartition TP = new TopicPartition("t", 0);
  private final ManualClock clock = new ManualClock();
  private final ShareLocks locks = new ShareLocks(clock, 30_000);
  private final ShareLocks.Key a = new ShareLocks.Key(TP, 1);
  private final ShareLocks.Key b = new ShareLocks.Key(TP, 2);

  @Test
  @DisplayName("a lock counts from when B asked; effects stop a fifth before it ends, renewal is due half-way")
  void thresholds() {
    locks.acquired(a, clock.monotonicMillis());
    clock.advanceMillis(14_000);
    assertThat(locks.held(a)).isTrue();
    assertThat(locks.due(List.of(a))).isEmpty();
    clock.advanceMillis(2_000); // 14 s left: under half
    assertThat(locks.due(List.of(a))).containsExactly(a);
    assertThat(locks.held(a)).isTrue();
    clock.advanceMillis(8_001); // 5,999 ms left: under a fifth
    assertThat(locks.held(a)).isFalse();
    assertThat(locks.due(List.of(a))).containsExactly(a);
    clock.advanceMillis(6_000);
    assertThat(locks.due(List.of(a))).as("a lapsed lock is not renewed").isEmpty();
  }

  @Test
  @DisplayName("a confirmed RENEW extends from when it was sent, even past B's own view; a refused one ends the lock")
  void renewals() {
    locks.acquired(a, clock.monotonicMillis());
    locks.acquired(b, clock.monotonicMillis());
    clock.advanceMillis(25_000);
    long sentAt = clock.monotonicMillis();
    clock.advanceMillis(100);
    locks.renewed(a, sentAt);
    assertThat(locks.remainingMillis(a)).isEqualTo(29_900);
    locks.lost(b);
    assertThat(locks.held(b)).isFalse();
    assertThat(locks.due(List.of(a, b))).isEmpty();

    clock.advanceMillis(40_000);
    assertThat(locks.held(a)).isFalse();
    locks.renewed(a, clock.monotonicMillis() - 1_000);
    assertThat(locks.held(a)).as("the broker held the lock when the RENEW arrived").isTrue();
    locks.renewed(b, clock.monotonicMillis());
    assertThat(locks.held(b)).as("a refused lock stays gone").isFalse();
  }

  @Test
  @DisplayName("a record B no longer holds is not held; the broker's lock duration replaces the configured one")
  void releasedAndReconfigured() {
    locks.acquired(a, clock.monotonicMillis());
    locks.released(a);
    assertThat(locks.held(a)).isFalse();
    assertThat(locks.size()).isZero();

    locks.setLockMillis(3_000);
    locks.acquired(b, clock.monotonicMillis());
    clock.advanceMillis(2_100);
    assertThat(locks.held(b)).isTrue();
    assertThat(locks.due(List.of(b))).containsExactly(b);
    clock.advanceMillis(400);
    assertThat(locks.held(b)).isFalse();
  }
}

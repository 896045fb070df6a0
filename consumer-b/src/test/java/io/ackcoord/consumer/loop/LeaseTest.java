package io.ackcoord.consumer.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ackcoord.time.ManualClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LeaseTest {

  private final ManualClock clock = new ManualClock();

  @Test
  @DisplayName("a lease is lapsed until the group first confirms B")
  void lapsedUntilConfirmed() {
    Lease lease = new Lease(clock, 5_000);

    assertThat(lease.valid()).isFalse();
  }

  @Test
  @DisplayName("a confirmation holds for the duration from when its request was sent, then lapses")
  void holdsFromSendTime() {
    Lease lease = new Lease(clock, 5_000);
    long sentAt = clock.monotonicMillis();
    clock.advanceMillis(1_000); // the response took a second

    lease.confirmed(sentAt);

    assertThat(lease.valid()).isTrue();
    assertThat(lease.remainingMillis()).isEqualTo(4_000);
    clock.advanceMillis(3_999);
    assertThat(lease.valid()).isTrue();
    clock.advanceMillis(1);
    assertThat(lease.valid()).isFalse();
  }

  @Test
  @DisplayName("a late answer to an older request does not shorten the lease")
  void olderConfirmationIgnored() {
    Lease lease = new Lease(clock, 5_000);
    long older = clock.monotonicMillis();
    clock.advanceMillis(2_000);
    lease.confirmed(clock.monotonicMillis());

    lease.confirmed(older);

    assertThat(lease.remainingMillis()).isEqualTo(5_000);
  }

  @Test
  @DisplayName("a wall-clock step changes nothing: a frozen B wakes up lapsed, a healthy one stays valid")
  void monotonicOnly() {
    Lease lease = new Lease(clock, 5_000);
    lease.confirmed(clock.monotonicMillis());

    clock.setWallMillis(0);
    assertThat(lease.valid()).isTrue();

    clock.advanceMillis(60_000); // SIGSTOP for a minute
    assertThat(lease.valid()).isFalse();
  }

  @Test
  @DisplayName("a duration below 1 ms is refused")
  void badDuration() {
    assertThatThrownBy(() -> new Lease(clock, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("with an effect fence shorter than the session, the lease is the session minus the fence")
  void leaseLeavesTheFenceBeforeTheSessionEnds() {
    assertThat(Lease.fences(10_000, 5_000)).isTrue();
    assertThat(Lease.durationFor(10_000, 5_000)).isEqualTo(5_000);
    assertThat(Lease.durationFor(30_000, 5_000)).isEqualTo(25_000);
  }

  @Test
  @DisplayName("without a usable fence (unset, zero or not under the session) the lease is half the session")
  void unfencedHalfSession() {
    assertThat(Lease.fences(10_000, Long.MAX_VALUE)).isFalse();
    assertThat(Lease.durationFor(10_000, Long.MAX_VALUE)).isEqualTo(5_000);
    assertThat(Lease.durationFor(10_000, 10_000)).isEqualTo(5_000);
    assertThat(Lease.durationFor(10_000, 0)).isEqualTo(5_000);
  }

  @Test
  @DisplayName("a fence that leaves under a second of lease is refused, naming both values")
  void fenceTooCloseToSession() {
    assertThatThrownBy(() -> Lease.durationFor(6_000, 5_500))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("session.timeout.ms 6000")
        .hasMessageContaining("5500");
  }
}

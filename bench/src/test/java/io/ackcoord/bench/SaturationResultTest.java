package io.ackcoord.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SaturationResultTest {

  @Test
  @DisplayName("rounds combine into the median rate and the totals, keeping each round's rate")
  void medianOfOddRounds() {
    SaturationResult m = SaturationResult.median(List.of(
        new SaturationResult("a", 300, 3_000, 1, 10),
        new SaturationResult("a", 100, 1_000, 0, 10),
        new SaturationResult("a", 200, 2_000, 2, 10)));
    assertThat(m.perSecond()).isEqualTo(200);
    assertThat(m.completed()).isEqualTo(6_000);
    assertThat(m.failed()).isEqualTo(3);
    assertThat(m.seconds()).isEqualTo(30);
    assertThat(m.rounds()).containsExactly(300.0, 100.0, 200.0);
  }

  @Test
  @DisplayName("with an even number of rounds the lower middle one counts, so one lucky round cannot raise it")
  void medianOfEvenRounds() {
    SaturationResult m = SaturationResult.median(List.of(
        new SaturationResult("a", 100, 1_000, 0, 5),
        new SaturationResult("a", 400, 4_000, 0, 5)));
    assertThat(m.perSecond()).isEqualTo(100);
  }
}

package io.ackcoord.consumer.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FingerprintsTest {

  @Test
  @DisplayName("every instance in the process gives an id the same fingerprint")
  void oneKeyPerProcess() {
    Fingerprints one = new Fingerprints();
    Fingerprints other = new Fingerprints();

    long high = one.high("id-1");
    long low = one.low();

    assertThat(other.high("id-1")).isEqualTo(high);
    assertThat(other.low()).isEqualTo(low);
  }

  @Test
  @DisplayName("the low half is that of the id hashed last")
  void lowFollowsHigh() {
    Fingerprints fingerprints = new Fingerprints();
    long aHigh = fingerprints.high("a");
    long aLow = fingerprints.low();
    long bHigh = fingerprints.high("b");
    long bLow = fingerprints.low();

    assertThat(new long[] {aHigh, aLow}).isNotEqualTo(new long[] {bHigh, bLow});
    assertThat(fingerprints.high("a")).isEqualTo(aHigh);
    assertThat(fingerprints.low()).isEqualTo(aLow);
    assertThat(aLow).as("the halves are distinct").isNotEqualTo(aHigh);
  }
}

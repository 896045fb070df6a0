package io.ackcoord.consumer.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.protocol.ProcessedMarker.Marked;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MarkerMacsTest {

  private final MarkerMacs macs = MarkerMacs.of("a-shared-secret-of-the-b-group");

  @Test
  @DisplayName("with a key, an id counts only with its own MAC: forged, unsigned and other-key markers do not")
  void keyed() {
    Marked own = macs.mark("m1");
    assertThat(own.mac()).isNotZero();
    assertThat(macs.counts(own)).isTrue();
    assertThat(macs.counts(MarkerMacs.of("a-shared-secret-of-the-b-group").mark("m1"))).as("another B, same key")
        .isTrue();

    assertThat(macs.counts(new Marked("m1", 0))).as("unsigned (v1, v2, or no key)").isFalse();
    assertThat(macs.counts(new Marked("m1", own.mac() ^ 1))).as("one bit off").isFalse();
    assertThat(macs.counts(new Marked("m2", own.mac()))).as("another id's MAC").isFalse();
    assertThat(macs.counts(MarkerMacs.of("another-secret-entirely!").mark("m1"))).as("another key").isFalse();
  }

  @Test
  @DisplayName("without a key, markers carry MAC 0 and every marker counts")
  void unkeyed() {
    assertThat(MarkerMacs.of("").keyed()).isFalse();
    assertThat(MarkerMacs.none().mark("m1")).isEqualTo(new Marked("m1", 0));
    assertThat(MarkerMacs.none().counts(new Marked("m1", 12345))).isTrue();
  }
}

package io.ackcoord.producer.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ForeignRepliesTest {

  @Test
  @DisplayName("counts every foreign reply and names each sharing producer once, in order of appearance")
  void countsAndNamesOnce() {
    ForeignReplies foreign = new ForeignReplies();
    assertThat(foreign.seen("a2")).isTrue();
    assertThat(foreign.seen("a2")).isFalse();
    assertThat(foreign.seen("a3")).isTrue();
    assertThat(foreign.seen("a2")).isFalse();
    assertThat(foreign.count()).isEqualTo(4);
    assertThat(foreign.producers()).containsExactly("a2", "a3");
  }

  @Test
  @DisplayName("names at most MAX_NAMED producers but keeps counting past them")
  void bounded() {
    ForeignReplies foreign = new ForeignReplies();
    for (int i = 0; i < ForeignReplies.MAX_NAMED + 10; i++) {
      foreign.seen("p" + i);
    }
    assertThat(foreign.seen("p" + (ForeignReplies.MAX_NAMED + 20))).isFalse();
    assertThat(foreign.producers()).hasSize(ForeignReplies.MAX_NAMED).startsWith("p0", "p1");
    assertThat(foreign.count()).isEqualTo(ForeignReplies.MAX_NAMED + 11);
  }
}

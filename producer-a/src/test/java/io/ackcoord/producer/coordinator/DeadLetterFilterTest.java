package io.ackcoord.producer.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeadLetterFilterTest {

  private static DeadLetter letter(long at, String producer, String reason, String payload) {
    return new DeadLetter("m1", 0, 5, at, producer, 3, reason, "application/json", 2000,
        payload.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("a time range is [from, to) on the record's timestamp; either end may be open")
  void timeRange() {
    DeadLetterFilter f = new DeadLetterFilter(1000L, 2000L, null, null);
    assertThat(f.matches(letter(999, "a1", "", "x"))).isFalse();
    assertThat(f.matches(letter(1000, "a1", "", "x"))).isTrue();
    assertThat(f.matches(letter(1999, "a1", "", "x"))).isTrue();
    assertThat(f.matches(letter(2000, "a1", "", "x"))).isFalse();
    assertThat(new DeadLetterFilter(null, 2000L, null, null).matches(letter(0, "a1", "", "x"))).isTrue();
    assertThat(new DeadLetterFilter(1000L, null, null, null).matches(letter(Long.MAX_VALUE, "a1", "", "x"))).isTrue();
    assertThatThrownBy(() -> new DeadLetterFilter(2000L, 2000L, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("after");
  }

  @Test
  @DisplayName("reason contains ignores case; producer is exact; empty texts match all")
  void reasonAndProducer() {
    DeadLetter l = letter(1, "a1", "no reply after 5 attempt(s); last timeout 16000 ms", "x");
    assertThat(new DeadLetterFilter(null, null, "NO REPLY", null).matches(l)).isTrue();
    assertThat(new DeadLetterFilter(null, null, "nack", null).matches(l)).isFalse();
    assertThat(new DeadLetterFilter(null, null, null, "a1").matches(l)).isTrue();
    assertThat(new DeadLetterFilter(null, null, null, "a").matches(l)).isFalse();
    assertThat(new DeadLetterFilter(null, null, "", "").matches(l)).isTrue();
    assertThat(DeadLetterFilter.all().matches(l)).isTrue();
    assertThat(new DeadLetterFilter(null, null, "timeout", "a1").matches(letter(1, "a2", "timeout", "x")))
        .isFalse();
  }

  @Test
  @DisplayName("a letter A wrote without its payload says why; an empty payload without that note is a payload")
  void payloadMissing() {
    assertThat(letter(1, "a1", "nack: x", "{}").payloadMissing()).isNull();
    assertThat(letter(1, "a1", "nack: x", "").payloadMissing()).isNull();
    assertThat(letter(1, "a1", "nack: x (payload of 2000000 bytes dropped: too large for the dead-letter topic)", "")
        .payloadMissing()).isEqualTo("the dead letter has no payload: payload of 2000000 bytes dropped: too large "
            + "for the dead-letter topic");
    assertThat(letter(1, "a1", "no reply after 3 attempt(s) (payload not included: the record at 0@4 was deleted "
        + "from t (the partition starts at offset 9 now; see its retention.ms))", "").payloadMissing())
        .startsWith("the dead letter has no payload: payload not included: the record at 0@4 was deleted")
        .endsWith("see its retention.ms)");
    assertThat(letter(1, "a1", "x", "").where()).isEqualTo("0@5");
  }
}

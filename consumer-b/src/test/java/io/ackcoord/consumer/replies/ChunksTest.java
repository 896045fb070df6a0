package io.ackcoord.consumer.replies;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ChunksTest {

  @Test
  @DisplayName("runs keep their order and respect both bounds; an oversized item gets a run of its own")
  void bounds() {
    assertThat(Chunks.of(List.of("aa", "bb", "cc", "dddddd", "e"), 2, 5, String::length))
        .containsExactly(List.of("aa", "bb"), List.of("cc"), List.of("dddddd"), List.of("e"));
    assertThat(Chunks.of(List.<String>of(), 2, 5, String::length)).isEmpty();
  }
}

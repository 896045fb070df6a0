package io.ackcoord.producer.ids;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IdHashTest {

  @Test
  @DisplayName("ids chosen to collide under String.hashCode spread out under the keyed hash")
  void chosenCollisionsSpread() {
    // "Aa" and "BB" have the same String.hashCode, so every string of ten such blocks does: 1,024 valid ids a
    // client can compute offline that would all land in one probe run of a table hashed by String.hashCode.
    List<String> ids = new ArrayList<>(List.of(""));
    for (int i = 0; i < 10; i++) {
      List<String> longer = new ArrayList<>();
      for (String id : ids) {
        longer.add(id + "Aa");
        longer.add(id + "BB");
      }
      ids = longer;
    }
    assertThat(ids.stream().map(String::hashCode).distinct()).hasSize(1);

    IdHash hash = new IdHash();
    Set<Integer> hashes = new HashSet<>();
    ids.forEach(id -> hashes.add(hash.of(id)));
    // 1,024 random 32-bit values collide about once in 8,000 runs; a handful of collisions is still no attack.
    assertThat(hashes).hasSizeGreaterThan(1_020);
  }
}

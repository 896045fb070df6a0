package io.ackcoord.producer.ids;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

public class StringTableTest {

  @Test
  @DisplayName("random puts, gets and removes agree with a HashMap, through growth, long probe runs and shrinking")
  void matchesHashMap() {
    SplittableRandom random = new SplittableRandom(11);
    StringTable<Integer> table = new StringTable<>();
    Map<String, Integer> model = new HashMap<>();
    for (int round = 0; round < 4; round++) {
      // Round 2 uses keys that collide in String.hashCode ("Aa" and "BB"), so probe runs get long.
      for (int i = 0; i < 40_000; i++) {
        String key = round == 2 ? collidingKey(random.nextInt(64)) : "m-" + random.nextInt(25_000);
        int op = random.nextInt(3);
        if (op == 0) {
          assertThat(table.remove(key)).isEqualTo(model.remove(key));
        } else if (op == 1) {
          assertThat(table.get(key)).isEqualTo(model.get(key));
        } else {
          assertThat(table.put(key, i)).isEqualTo(model.put(key, i));
        }
      }
      assertThat(table.size()).isEqualTo(model.size());
      model.forEach((k, v) -> assertThat(table.get(k)).isEqualTo(v));
      for (String k : model.keySet().toArray(new String[0])) {
        if (random.nextInt(10) > 0) {
          assertThat(table.remove(k)).isEqualTo(model.remove(k));
        }
      }
      assertThat(table.size()).isEqualTo(model.size());
      model.forEach((k, v) -> assertThat(table.get(k)).isEqualTo(v));
    }
    assertThat(table.get("never")).isNull();
    assertThat(table.remove("never")).isNull();
  }

  // Six two-character blocks, each "Aa" or "BB" (equal hash codes): 64 keys with one hash code. IdTableTest uses it.
  public static String collidingKey(int bits) {
    StringBuilder s = new StringBuilder();
    for (int b = 0; b < 6; b++) {
      s.append((bits >> b & 1) == 0 ? "Aa" : "BB");
    }
    return s.toString();
  }
}

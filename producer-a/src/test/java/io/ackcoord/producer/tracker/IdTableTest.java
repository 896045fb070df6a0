package io.ackcoord.producer.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.producer.ids.StringTableTest;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IdTableTest {

  @Test
  @DisplayName("a message keeps its id as bytes: Latin-1 ones and any other string come back and match exactly")
  void idsAsBytes() {
    IdTable table = new IdTable();
    for (String id : new String[] {"order-42", "caf\u00e9", "\u6ce8\u6587-1", "\ud83d\ude00", ""}) {
      TrackedMessage m = new TrackedMessage(id, new byte[0], null, 1000, 0, 0, 1);
      assertThat(m.id()).isEqualTo(id);
      assertThat(m.hasId(id)).isTrue();
      assertThat(m.hasId(id + "x")).isFalse();
      table.put(m);
      assertThat(table.get(id)).isSameAs(m);
    }
    // Same length, one char apart, and a Latin-1 id against a wide one of the same bytes.
    assertThat(table.get("order-43")).isNull();
    assertThat(new TrackedMessage("\u0041\u0042", new byte[0], null, 1000, 0, 0, 1).hasId("\u4142")).isFalse();
    assertThat(table.put(new TrackedMessage("order-42", new byte[0], null, 1000, 0, 0, 1))).isNotNull();
  }

  @Test
  @DisplayName("random puts and removes agree with a HashMap, through growth and shrinking")
  void matchesHashMap() {
    Random random = new Random(7);
    IdTable table = new IdTable();
    Map<String, TrackedMessage> reference = new HashMap<>();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 30_000; i++) {
        // Round 2 uses ids with one hash code ("Aa" and "BB" blocks): equal slot hashes must still compare the ids.
        String id = round == 2 ? StringTableTest.collidingKey(random.nextInt(64)) : "id-" + random.nextInt(20_000);
        if (random.nextInt(3) > 0) {
          TrackedMessage m = new TrackedMessage(id, new byte[0], null, 1000, 0, 0, 1);
          assertThat(table.put(m)).isSameAs(reference.put(id, m));
        } else {
          TrackedMessage held = reference.remove(id);
          if (held != null) {
            assertThat(table.remove(held)).isTrue();
          }
        }
      }
      assertThat(table.size()).isEqualTo(reference.size());
      reference.forEach((id, m) -> assertThat(table.get(id)).isSameAs(m));
      // Drain most of it, so the table shrinks and rehashes.
      for (String id : reference.keySet().toArray(new String[0])) {
        if (random.nextInt(10) > 0) {
          assertThat(table.remove(reference.remove(id))).isTrue();
        }
      }
      reference.forEach((id, m) -> assertThat(table.get(id)).isSameAs(m));
    }
    assertThat(table.get("never")).isNull();
    assertThat(table.get("AaAaAaAaAaAb")).isNull();
  }

  @Test
  @DisplayName("remove takes only the very message held under the id")
  void removeOnlyTheHeldMessage() {
    IdTable table = new IdTable();
    TrackedMessage first = new TrackedMessage("a", new byte[0], null, 1000, 0, 0, 1);
    TrackedMessage second = new TrackedMessage("a", new byte[0], null, 1000, 0, 0, 1);
    table.put(first);
    table.put(second);
    assertThat(table.remove(first)).isFalse();
    assertThat(table.get("a")).isSameAs(second);
    assertThat(table.remove(second)).isTrue();
    assertThat(table.containsKey("a")).isFalse();
  }
}

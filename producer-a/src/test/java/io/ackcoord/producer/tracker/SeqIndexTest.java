package io.ackcoord.producer.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SeqIndexTest {

  private final Set<TrackedMessage> live = new HashSet<>();
  private final SeqIndex index = new SeqIndex(TrackedMessage::acceptSeq, live::contains);

  private TrackedMessage add(long seq) {
    TrackedMessage m = new TrackedMessage("m" + seq, new byte[0], null, 1000, 0, 0, 1);
    m.acceptSeq = seq;
    live.add(m);
    index.add(m);
    return m;
  }

  private void remove(TrackedMessage m) {
    live.remove(m);
    index.removed();
  }

  @Test
  @DisplayName("pages forwards and backwards skip removed entries and report whether more follow")
  void pages() {
    TrackedMessage[] m = new TrackedMessage[6];
    for (int i = 1; i <= 5; i++) {
      m[i] = add(i);
    }
    remove(m[2]);
    assertThat(index.after(0, 2).items()).extracting(TrackedMessage::id).containsExactly("m1", "m3");
    assertThat(index.after(0, 2).more()).isTrue();
    assertThat(index.after(3, 5).items()).extracting(TrackedMessage::id).containsExactly("m4", "m5");
    assertThat(index.after(3, 5).more()).isFalse();
    assertThat(index.before(Long.MAX_VALUE, 3).items()).extracting(TrackedMessage::id)
        .containsExactly("m5", "m4", "m3");
    assertThat(index.before(3, 3).items()).extracting(TrackedMessage::id).containsExactly("m1");
    assertThat(index.size()).isEqualTo(4);
  }

  @Test
  @DisplayName("removed entries at the head are dropped at once, the rest compacted once they outnumber live ones")
  void headAndCompaction() {
    TrackedMessage[] m = new TrackedMessage[5001];
    for (int i = 1; i <= 5000; i++) {
      m[i] = add(i);
    }
    remove(m[1]);
    assertThat(index.first()).isSameAs(m[2]);
    for (int i = 3; i <= 5000; i += 2) {
      remove(m[i]);
    }
    for (int i = 4; i <= 4000; i += 2) {
      remove(m[i]);
    }
    assertThat(index.size()).isEqualTo(501);
    assertThat(index.first()).isSameAs(m[2]);
    assertThat(index.after(4000, 3).items()).extracting(TrackedMessage::id).containsExactly("m4002", "m4004", "m4006");
    for (int i = 5001; i <= 5003; i++) {
      add(i);
    }
    assertThat(index.before(Long.MAX_VALUE, 2).items()).extracting(TrackedMessage::id).containsExactly("m5003", "m5002");
  }
}

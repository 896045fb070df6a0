package io.ackcoord.producer.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ackcoord.producer.timer.RetryPolicy;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.producer.tracker.TestReplies;
import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.protocol.Reply;
import io.ackcoord.time.ManualClock;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MessagePagesTest {

  private final ManualClock clock = new ManualClock();
  private final RetryPolicy policy = new RetryPolicy(1000, 2, 1.0, 60_000, 0.0, 100, 10_000);
  private final MessageTracker tracker = new MessageTracker(clock, policy, () -> 0.5, 5);
  private final MessagePages pages = new MessagePages(tracker, clock);

  private void sendAll(int n) {
    for (int i = 0; i < n; i++) {
      TrackedMessage m = tracker.accept("m" + i, new byte[0], null, 0);
      tracker.sendConfirmed(m, 1, null);
      clock.advanceMillis(10);
    }
  }

  private void ack(String id) {
    tracker.onReply(TestReplies.signed(tracker, new Reply(Reply.Type.ACK, id, "a", 1, "b", 0, null, false, 0)));
  }

  private JsonObject page(String query) {
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    if (!query.isEmpty()) {
      for (String kv : query.split("&")) {
        String[] parts = kv.split("=", 2);
        params.add(parts[0], parts.length > 1 ? parts[1] : "");
      }
    }
    return pages.page(params);
  }

  private static List<String> ids(JsonObject page) {
    List<String> ids = new ArrayList<>();
    page.getJsonArray("items").forEach(o -> ids.add(((JsonObject) o).getString("id")));
    return ids;
  }

  @Test
  @DisplayName("pending messages come oldest first, with age and time to the next re-send")
  void pendingOldestFirst() {
    sendAll(3);
    JsonObject page = page("state=pending");
    assertThat(ids(page)).containsExactly("m0", "m1", "m2");
    JsonObject oldest = page.getJsonArray("items").getJsonObject(0);
    assertThat(oldest.getLong("ageMs")).isEqualTo(30);
    assertThat(oldest.getLong("nextInMs")).isEqualTo(970);
    assertThat(oldest.getString("next")).isEqualTo("resend");
    assertThat(page.getLong("total")).isEqualTo(3);
    assertThat(page.getString("nextCursor")).isNull();
  }

  @Test
  @DisplayName("the cursor pages through, and a message finishing between pages neither repeats nor hides another")
  void cursorPaging() {
    sendAll(10);
    JsonObject first = page("limit=4");
    assertThat(ids(first)).containsExactly("m0", "m1", "m2", "m3");

    ack("m3"); // the cursor's own message finishes
    ack("m5");
    JsonObject second = page("limit=4&cursor=" + first.getString("nextCursor"));
    assertThat(ids(second)).containsExactly("m4", "m6", "m7", "m8");
    JsonObject third = page("limit=4&cursor=" + second.getString("nextCursor"));
    assertThat(ids(third)).containsExactly("m9");
    assertThat(third.getString("nextCursor")).isNull();
  }

  @Test
  @DisplayName("acked and dead-lettered messages come newest first from the bounded history")
  void finishedNewestFirst() {
    sendAll(8);
    for (int i = 0; i < 7; i++) {
      ack("m" + i);
    }
    clock.advanceMillis(1000);
    tracker.pollDue(10); // m7 re-sent (attempt 2 of 2)
    JsonObject acked = page("state=acked&limit=3");
    assertThat(ids(acked)).containsExactly("m6", "m5", "m4");
    // history.max is 5: m0 and m1 are forgotten
    assertThat(ids(page("state=acked&limit=3&cursor=" + acked.getString("nextCursor")))).containsExactly("m3", "m2");

    TrackedMessage m7 = tracker.find("m7").orElseThrow();
    tracker.sendConfirmed(m7, 2, null);
    clock.advanceMillis(1000);
    tracker.pollDue(10);
    JsonObject dead = page("state=dead");
    assertThat(ids(dead)).containsExactly("m7");
    assertThat(dead.getJsonArray("items").getJsonObject(0).getString("reason")).contains("no reply after 2");
  }

  @Test
  @DisplayName("malformed parameters are refused with a message naming them")
  void badQueries() {
    assertThatThrownBy(() -> page("state=stuck")).hasMessageContaining("invalid state 'stuck'");
    assertThatThrownBy(() -> page("limit=0")).hasMessageContaining("invalid limit '0'");
    assertThatThrownBy(() -> page("limit=abc")).hasMessageContaining("invalid limit 'abc'");
    assertThatThrownBy(() -> page("limit=5000")).hasMessageContaining("[1, 1000]");
    assertThatThrownBy(() -> page("cursor=-4")).hasMessageContaining("invalid cursor '-4'");
    assertThatThrownBy(() -> page("state=acked&state=dead")).hasMessageContaining("given 2 times");
  }

  @Test
  @DisplayName("a page of 100,000 pending messages deep in the list costs a search, not a walk")
  void deepPageIsCheap() {
    for (int i = 0; i < 100_000; i++) {
      TrackedMessage m = tracker.accept("x" + i, new byte[0], null, 0);
      tracker.sendConfirmed(m, 1, null);
    }
    // ACK every other message, so half the index is removed entries that compaction must clear
    for (int i = 0; i < 100_000; i += 2) {
      ack("x" + i);
    }
    long cursor = tracker.find("x99001").orElseThrow().acceptSeq();
    JsonObject page = page("limit=3&cursor=" + cursor);
    assertThat(ids(page)).containsExactly("x99003", "x99005", "x99007");
    assertThat(tracker.oldestPending().id()).isEqualTo("x1");
    assertThat(page("limit=1").getLong("total")).isEqualTo(50_000);
  }
}

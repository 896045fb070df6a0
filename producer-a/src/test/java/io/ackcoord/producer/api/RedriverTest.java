package io.ackcoord.producer.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.producer.api.Redriver.Result;
import io.ackcoord.producer.coordinator.Coordinator;
import io.ackcoord.producer.coordinator.DeadLetter;
import io.ackcoord.producer.coordinator.DeadLetterFilter;
import io.ackcoord.producer.coordinator.DeadLetterSource;
import io.ackcoord.producer.ledger.Position;
import io.ackcoord.producer.timer.FakeScheduler;
import io.ackcoord.producer.timer.RetryPolicy;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.time.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Redrive's decisions and pacing over a real coordinator, a fake dead-letter topic and a fake topic 1. */
class RedriverTest {

  /** Topic 1: every send is held until the test confirms it, when {@code hold} is set. */
  private static final class Topic1 implements Coordinator.Outbound {
    final List<Envelope> sent = new ArrayList<>();
    final List<Promise<Position>> held = new ArrayList<>();
    boolean hold;

    @Override
    public Future<Position> send(Envelope envelope) {
      sent.add(envelope);
      if (hold) {
        Promise<Position> p = Promise.promise();
        held.add(p);
        return p.future();
      }
      return Future.succeededFuture(new Position(0, sent.size() - 1));
    }

    @Override
    public Future<byte[]> payload(String id, Position at) {
      return Future.succeededFuture(sent.get((int) at.offset()).payload());
    }

    @Override
    public Future<Void> deadLetter(Envelope envelope, String reason) {
      return Future.succeededFuture();
    }
  }

  /** The dead-letter topic as a list; the latest letter of an id wins. */
  private static final class Letters implements DeadLetterSource {
    final Map<String, DeadLetter> byId = new LinkedHashMap<>();

    void add(DeadLetter l) {
      byId.put(l.id(), l);
    }

    @Override
    public Future<DeadLetter> latest(String id) {
      return Future.succeededFuture(byId.get(id));
    }

    @Override
    public Future<Scan> scan(DeadLetterFilter filter, String cursor, int limit) {
      List<DeadLetter> found = byId.values().stream().filter(filter::matches).limit(limit).toList();
      return Future.succeededFuture(new Scan(found, byId.size(), null));
    }
  }

  private final ManualClock clock = new ManualClock();
  private final FakeScheduler scheduler = new FakeScheduler(clock);
  private final Topic1 topic1 = new Topic1();
  private final MessageTracker tracker =
      new MessageTracker(clock, new RetryPolicy(1000, 3, 2.0, 60_000, 0.0, 100, 10_000), () -> 0.5, 100);
  private final Coordinator coordinator = new Coordinator(tracker, topic1, new io.ackcoord.producer.ledger.WriteBarrier(), scheduler, clock, "a1", 0,
      500, 40);
  private final Letters letters = new Letters();
  private final Redriver redriver = new Redriver(coordinator, letters, scheduler, clock, 1000,
      () -> new TimeoutRule(100));

  {
    coordinator.start(List.of());
    coordinator.open();
  }

  private static DeadLetter letter(String id, String payload, String reason, long timeout) {
    return new DeadLetter(id, 0, 1, 1000, "a1", 3, reason, "application/json", timeout,
        payload.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("one dead letter is submitted again with its id, payload, content type and timeout, and noted")
  void redriveOne() {
    letters.add(letter("m1", "{\"n\":1}", "no reply after 3 attempt(s)", 2500));

    Redriver.Outcome o = redriver.one("m1", "token #1 from 127.0.0.1").result();

    assertThat(o.result()).isEqualTo(Result.REDRIVEN);
    Envelope e = topic1.sent.get(0);
    assertThat(e.id()).isEqualTo("m1");
    assertThat(e.attempt()).as("a new series of attempts").isEqualTo(1);
    assertThat(new String(e.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
    assertThat(e.contentType()).isEqualTo("application/json");
    assertThat(e.timeoutMillis()).isEqualTo(2500);
    assertThat(tracker.isPending("m1")).isTrue();
    assertThat(tracker.notes("m1")).singleElement().extracting(n -> n.text()).asString()
        .startsWith("redriven by token #1 from 127.0.0.1 from dead letter 0@1 (no reply after 3 attempt(s))");
  }

  @Test
  @DisplayName("refused: no letter, a letter without payload, a pending id, an invalid record; nothing submitted")
  void refusals() {
    letters.add(letter("gone", "", "nack: x (payload not included: the record at 0@3 was deleted)", 0));
    letters.add(letter("bad id!", "{}", "x", 0));
    letters.add(letter("huge", "x".repeat(2000), "x", 0));
    letters.add(letter("busy", "{}", "x", 0));
    coordinator.submit("busy", new byte[0], null, 0);
    int before = topic1.sent.size();

    assertThat(redriver.one("none", "w").result().result()).isEqualTo(Result.NOT_FOUND);
    Redriver.Outcome gone = redriver.one("gone", "w").result();
    assertThat(gone.result()).isEqualTo(Result.NO_PAYLOAD);
    assertThat(gone.detail()).contains("was deleted");
    assertThat(redriver.one("busy", "w").result().result()).isEqualTo(Result.PENDING);
    List<Redriver.Outcome> bulk = redriver.bulk(DeadLetterFilter.all(), null, 100, "w").result().outcomes();
    assertThat(bulk).extracting(Redriver.Outcome::result)
        .containsExactly(Result.NO_PAYLOAD, Result.INVALID, Result.INVALID, Result.PENDING);
    assertThat(bulk.get(2).detail()).contains("message.max.bytes");
    assertThat(topic1.sent).hasSize(before);
  }

  @Test
  @DisplayName("a dead letter whose timeout is outside today's bounds gets A's default timeout")
  void timeoutOutOfBounds() {
    letters.add(letter("m1", "{}", "x", 5));
    assertThat(redriver.one("m1", "w").result().result()).isEqualTo(Result.REDRIVEN);
    assertThat(topic1.sent.get(0).timeoutMillis()).isEqualTo(1000);
  }

  @Test
  @DisplayName("a bulk redrive has 16 submissions in flight at most, and waits while pending is at half of pending.max")
  void bulkIsPaced() {
    for (int i = 0; i < 30; i++) {
      letters.add(letter("m" + i, "{}", "x", 0));
    }
    topic1.hold = true;

    Future<Redriver.Bulk> bulk = redriver.bulk(DeadLetterFilter.all(), null, 100, "w");
    assertThat(topic1.sent).hasSize(Redriver.IN_FLIGHT);
    assertThat(redriver.bulk(DeadLetterFilter.all(), null, 100, "w").cause())
        .isInstanceOf(Redriver.BusyException.class);

    // Confirming the first 16 lets the next ones go, but only up to 20 pending: half of pending.max (40).
    topic1.hold = false;
    new ArrayList<>(topic1.held).forEach(p -> p.complete(new Position(0, 0)));
    assertThat(tracker.pendingCount()).isEqualTo(20);
    assertThat(bulk.isComplete()).isFalse();
    scheduler.advance(100);
    assertThat(tracker.pendingCount()).isEqualTo(20);

    // Room again within the wait: the rest go.
    for (int i = 0; i < 10; i++) {
      coordinator.cancel("m" + i, "make room");
    }
    scheduler.advance(100);
    assertThat(bulk.succeeded()).isTrue();
    assertThat(bulk.result().outcomes()).hasSize(30).allMatch(o -> o.result() == Result.REDRIVEN);
  }

  @Test
  @DisplayName("when A stays busy for the whole wait, the rest of a bulk redrive is reported deferred")
  void bulkDefersWhenBusy() {
    for (int i = 0; i < 20; i++) {
      coordinator.submit("other" + i, new byte[0], null, 600_000);
    }
    for (int i = 0; i < 5; i++) {
      letters.add(letter("m" + i, "{}", "x", 0));
    }

    Future<Redriver.Bulk> bulk = redriver.bulk(DeadLetterFilter.all(), null, 100, "w");
    assertThat(bulk.isComplete()).isFalse();
    scheduler.advance(Redriver.WAIT_BUDGET_MS + 200);

    assertThat(bulk.succeeded()).isTrue();
    assertThat(bulk.result().outcomes()).extracting(Redriver.Outcome::result).containsOnly(Result.DEFERRED);
    assertThat(bulk.result().outcomes().get(4).detail()).contains("busy").contains("20 pending");
    assertThat(tracker.isPending("m0")).isFalse();
    // The next bulk redrive may run.
    assertThat(redriver.bulk(new DeadLetterFilter(null, null, "nothing", null), null, 1, "w").succeeded()).isTrue();
  }
}

package io.ackcoord.consumer.replies;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The batching policy without Kafka or an event loop: turns and writes are driven by hand. */
class CoalescerTest {

  private record Write(String key, List<String> items, Promise<Void> done) {
  }

  private final Queue<Runnable> turns = new ArrayDeque<>();
  private final List<Write> writes = new ArrayList<>();
  private Coalescer<String, String> coalescer = coalescer(3, 1_000);

  private Coalescer<String, String> coalescer(int maxCount, int maxBytes) {
    return new Coalescer<>(turns::add, (key, items) -> {
      Write w = new Write(key, List.copyOf(items), Promise.promise());
      writes.add(w);
      return w.done().future();
    }, maxCount, maxBytes, String::length);
  }

  private void runTurns() {
    while (!turns.isEmpty()) {
      turns.poll().run();
    }
  }

  @Test
  @DisplayName("idle: one item is written on the next turn, alone, with no timer")
  void idleWritesOnNextTurn() {
    Future<Void> a = coalescer.add("p0", "a");
    assertThat(writes).isEmpty();

    runTurns();

    assertThat(writes).extracting(Write::items).containsExactly(List.of("a"));
    assertThat(a.isComplete()).isFalse();
    writes.get(0).done().complete();
    assertThat(a.succeeded()).isTrue();
    assertThat(coalescer.active()).as("an idle destination is forgotten").isZero();
  }

  @Test
  @DisplayName("what arrives in one turn goes in one record per destination")
  void sameTurnSameRecord() {
    coalescer.add("p0", "a");
    coalescer.add("p1", "b");
    coalescer.add("p0", "c");

    runTurns();

    assertThat(writes).extracting(Write::key, Write::items)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("p0", List.of("a", "c")),
            org.assertj.core.groups.Tuple.tuple("p1", List.of("b")));
  }

  @Test
  @DisplayName("under load: while a record is in flight the next batch gathers, and goes when it is done")
  void gathersWhileInFlight() {
    Future<Void> a = coalescer.add("p0", "a");
    runTurns();
    Future<Void> b = coalescer.add("p0", "b");
    Future<Void> c = coalescer.add("p0", "c");
    runTurns();
    assertThat(writes).as("nothing more while the first is in flight").hasSize(1);

    writes.get(0).done().complete();

    assertThat(a.succeeded()).isTrue();
    assertThat(writes).extracting(Write::items).containsExactly(List.of("a"), List.of("b", "c"));
    assertThat(b.isComplete()).isFalse();
    writes.get(1).done().complete();
    assertThat(b.succeeded()).isTrue();
    assertThat(c.succeeded()).isTrue();
    assertThat(coalescer.batches()).isEqualTo(2);
    assertThat(coalescer.items()).isEqualTo(3);
  }

  @Test
  @DisplayName("a batch over the count or byte bound is split into records written side by side")
  void splitsLargeBatches() {
    coalescer = coalescer(3, 10);
    List<Future<Void>> done = new ArrayList<>();
    for (String item : List.of("a", "b", "c", "d", "eeeeeeee", "ffff", "g")) {
      done.add(coalescer.add("p0", item));
    }

    runTurns();

    assertThat(writes).extracting(Write::items)
        .containsExactly(List.of("a", "b", "c"), List.of("d", "eeeeeeee"), List.of("ffff", "g"));
    writes.get(1).done().complete();
    assertThat(done).extracting(Future::succeeded).containsExactly(false, false, false, true, true, false, false);
    coalescer.add("p0", "h");
    writes.get(0).done().complete();
    writes.get(2).done().complete();
    assertThat(writes).as("the next batch waits for every record of the previous one").hasSize(4);
    assertThat(writes.get(3).items()).containsExactly("h");
  }

  @Test
  @DisplayName("a failed write fails exactly the items of its record")
  void failureIsPerRecord() {
    coalescer = coalescer(1, 1_000);
    Future<Void> a = coalescer.add("p0", "a");
    Future<Void> b = coalescer.add("p0", "b");
    runTurns();

    writes.get(0).done().fail("broker gone");
    writes.get(1).done().complete();

    assertThat(a.cause()).hasMessage("broker gone");
    assertThat(b.succeeded()).isTrue();
  }

  @Test
  @DisplayName("a write that completes at once does not let a later batch overtake the rest of its flush")
  void synchronousCompletion() {
    List<List<String>> written = new ArrayList<>();
    Coalescer<String, String> sync = new Coalescer<>(turns::add, (key, items) -> {
      written.add(List.copyOf(items));
      return Future.succeededFuture();
    }, 1, 1_000, String::length);
    Future<Void> a = sync.add("p0", "a");
    Future<Void> b = sync.add("p0", "b");

    runTurns();

    assertThat(written).containsExactly(List.of("a"), List.of("b"));
    assertThat(a.succeeded() && b.succeeded()).isTrue();
    assertThat(sync.active()).isZero();
  }
}

package io.ackcoord.producer.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.time.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LedgerBatchesTest {

  private static final long REWRITE_AFTER = 3_600_000;
  private static final long RETRY = 1000;

  /** The partition as the broker would have it: records in the order sent, minus the writes that failed. */
  private final List<ProducerRecord<String, byte[]>> log = new ArrayList<>();
  private final ArrayDeque<Promise<Void>> inFlight = new ArrayDeque<>();
  private final ArrayDeque<ProducerRecord<String, byte[]>> inFlightRecords = new ArrayDeque<>();
  private final List<Runnable> endOfTurn = new ArrayList<>();
  private final TreeMap<Long, List<Runnable>> timers = new TreeMap<>();
  private final ManualClock clock = new ManualClock();
  private int writes;
  private int tombstones;
  private int endRecords;
  private int endTombstones;

  private final LedgerBatches.Writes fake = new LedgerBatches.Writes() {
    @Override
    public Future<Void> write(String key, List<LedgerEntry> entries) {
      writes++;
      return send(LedgerCodec.batchRecord("ledger", 0, key, entries));
    }

    @Override
    public Future<Void> end(String key, List<String> ids) {
      endRecords++;
      return send(LedgerCodec.endRecord("ledger", 0, key, ids));
    }

    private Future<Void> send(ProducerRecord<String, byte[]> r) {
      log.add(r);
      inFlightRecords.add(r);
      Promise<Void> p = Promise.promise();
      inFlight.add(p);
      return p.future();
    }

    @Override
    public void tombstone(String key) {
      if (LedgerCodec.isBatchKey(key)) {
        tombstones++;
      } else {
        endTombstones++;
      }
      log.add(LedgerCodec.tombstone("ledger", 0, key));
    }

    @Override
    public void schedule(long delayMillis, Runnable task) {
      timers.computeIfAbsent(clock.monotonicMillis() + delayMillis, t -> new ArrayList<>()).add(task);
    }
  };

  private LedgerBatches batches(int maxEntries, int maxBytes) {
    return new LedgerBatches("a1", "run", fake, clock, endOfTurn::add, maxEntries, maxBytes, REWRITE_AFTER, RETRY);
  }

  private static LedgerEntry entry(String id, int attempt) {
    return new LedgerEntry(id, "a1", attempt, 1000, 1000 + attempt, 500, 2000 + attempt, null,
        ("payload of " + id).getBytes());
  }

  private void endTurn() {
    List<Runnable> tasks = new ArrayList<>(endOfTurn);
    endOfTurn.clear();
    tasks.forEach(Runnable::run);
  }

  // The broker answers in order, as one producer's writes to one partition are answered.
  private void confirmAll() {
    while (!inFlight.isEmpty()) {
      inFlightRecords.poll();
      inFlight.poll().complete();
    }
  }

  private void failNext() {
    log.remove(inFlightRecords.poll());
    inFlight.poll().fail("broker down");
  }

  private void advance(long millis) {
    clock.advanceMillis(millis);
    while (!timers.isEmpty() && timers.firstKey() <= clock.monotonicMillis()) {
      timers.pollFirstEntry().getValue().forEach(Runnable::run);
    }
  }

  /** What a restarted A would read: the log replayed, optionally after compaction (latest record per key). */
  private LedgerReplay.Result replay(boolean compacted) {
    return replay(compacted, false);
  }

  /** ... and with {@code tombstonesExpired}, after compaction has deleted every tombstone too. */
  private LedgerReplay.Result replay(boolean compacted, boolean tombstonesExpired) {
    List<ProducerRecord<String, byte[]>> records = log;
    if (compacted) {
      Map<String, Integer> last = new HashMap<>();
      for (int i = 0; i < log.size(); i++) {
        last.put(log.get(i).key(), i);
      }
      records = new ArrayList<>();
      for (int i = 0; i < log.size(); i++) {
        if (last.get(log.get(i).key()) == i && !(tombstonesExpired && log.get(i).value() == null)) {
          records.add(log.get(i));
        }
      }
    }
    LedgerReplay replay = new LedgerReplay("a1");
    long offset = 0;
    for (ProducerRecord<String, byte[]> r : records) {
      replay.accept(new ConsumerRecord<>("ledger", 0, offset++, 0L, TimestampType.CREATE_TIME, 0, 0, r.key(),
          r.value(), r.headers(), Optional.empty()));
    }
    return replay.result();
  }

  private static Map<String, Integer> attempts(LedgerReplay.Result result) {
    Map<String, Integer> m = new TreeMap<>();
    result.entries().forEach(e -> m.put(e.id(), e.attempt()));
    return m;
  }

  @Test
  @DisplayName("the entries of one turn go out as one record, and every caller hears when it is durable")
  void oneRecordPerTurn() {
    LedgerBatches b = batches(1000, 1 << 20);
    Future<Void> f1 = b.add(entry("m1", 1));
    Future<Void> f2 = b.add(entry("m2", 1));
    assertThat(writes).as("nothing before the turn ends").isZero();

    endTurn();
    assertThat(writes).isEqualTo(1);
    assertThat(f1.isComplete()).isFalse();
    confirmAll();
    assertThat(f1.succeeded()).isTrue();
    assertThat(f2.succeeded()).isTrue();
    assertThat(attempts(replay(false))).containsExactly(Map.entry("m1", 1), Map.entry("m2", 1));
  }

  @Test
  @DisplayName("a batch is cut at its entry and byte limits; an entry larger than the byte limit goes alone")
  void limits() {
    LedgerBatches b = batches(3, 1 << 20);
    for (int i = 0; i < 7; i++) {
      b.add(entry("m" + i, 1));
    }
    assertThat(writes).as("two full batches written at once").isEqualTo(2);
    endTurn();
    assertThat(writes).isEqualTo(3);

    int size = LedgerCodec.batchEntrySize(entry("x1", 1));
    LedgerBatches small = batches(1000, 2 * size);
    small.add(entry("x1", 1));
    small.add(entry("x2", 1));
    small.add(entry("x3", 1));
    assertThat(writes).isEqualTo(4);
    endTurn();
    assertThat(writes).isEqualTo(5);

    small.add(new LedgerEntry("big", "a1", 1, 0, 0, 0, 0, null, new byte[3 * size]));
    assertThat(writes).isEqualTo(5);
    small.add(entry("x4", 1));
    assertThat(writes).as("the big entry alone").isEqualTo(6);
    endTurn();
    assertThat(writes).isEqualTo(7);
  }

  @Test
  @DisplayName("the messages that end in a turn are named in one end record after the turn's batch; a batch is "
      + "tombstoned once it holds none, an end record once no batch before it is left")
  void endsAndTombstones() {
    LedgerBatches b = batches(1000, 1 << 20);
    b.add(entry("m1", 1));
    b.add(entry("m2", 1));
    endTurn();
    confirmAll();
    b.forget("m1");
    assertThat(endRecords).as("not before the turn ends").isZero();
    endTurn();
    assertThat(endRecords).isEqualTo(1);
    confirmAll();
    assertThat(tombstones).isZero();
    assertThat(endTombstones).as("the batch still carries m1's entry").isZero();
    assertThat(attempts(replay(true))).containsExactly(Map.entry("m2", 1));

    b.forget("m2");
    assertThat(tombstones).isEqualTo(1);
    assertThat(endTombstones).as("m1's end record, once the only batch before it is gone").isEqualTo(1);
    endTurn();
    confirmAll();
    assertThat(endTombstones).isEqualTo(2);
    assertThat(b.liveBatches()).isZero();
    assertThat(b.liveEnds()).isZero();
    assertThat(replay(false).entries()).isEmpty();

    // Final in the turn it was accepted in: one batch record, then one end record, then both tombstones.
    b.add(entry("m3", 1));
    b.forget("m3");
    endTurn();
    assertThat(log.subList(log.size() - 2, log.size())).extracting(ProducerRecord::key)
        .containsExactly("a1|#run.2", "a1|!run.2");
    confirmAll();
    assertThat(tombstones).isEqualTo(2);
    assertThat(endTombstones).isEqualTo(3);
    assertThat(log.get(log.size() - 1).value()).isNull();
    assertThat(replay(false).entries()).isEmpty();
    assertThat(replay(true).holders()).isEmpty();
  }

  @Test
  @DisplayName("a re-send moves the message to a new batch; the old one is released only once the new one is durable")
  void resendMoves() {
    LedgerBatches b = batches(1000, 1 << 20);
    b.add(entry("m1", 1));
    endTurn();
    confirmAll();
    b.add(entry("m1", 2));
    endTurn();
    assertThat(tombstones).as("the first batch still holds attempt 1 while attempt 2 is in flight").isZero();
    assertThat(attempts(replay(false))).containsEntry("m1", 2);

    confirmAll();
    assertThat(tombstones).isEqualTo(1);
    assertThat(attempts(replay(true))).containsExactly(Map.entry("m1", 2));
    b.forget("m1");
    assertThat(replay(true).entries()).isEmpty();
  }

  @Test
  @DisplayName("a failed write fails its callers and is written again with what it still holds; the batch before "
      + "stays held until then")
  void failedWriteRetried() {
    LedgerBatches b = batches(1000, 1 << 20);
    b.add(entry("m1", 1));
    endTurn();
    confirmAll();
    Future<Void> resend = b.add(entry("m1", 2));
    Future<Void> fresh = b.add(entry("m2", 1));
    endTurn();
    failNext();
    assertThat(resend.failed()).isTrue();
    assertThat(fresh.failed()).isTrue();
    // The coordinator refuses m2 and forgets it; m1 is still pending at attempt 2.
    b.forget("m2");
    assertThat(attempts(replay(false))).containsExactly(Map.entry("m1", 1));

    advance(RETRY);
    assertThat(writes).isEqualTo(3);
    assertThat(attempts(replay(false))).as("the retry carries m1 only").containsExactly(Map.entry("m1", 2));
    assertThat(tombstones).isZero();
    confirmAll();
    assertThat(tombstones).as("the first batch, released by the retry").isEqualTo(1);
    assertThat(attempts(replay(true))).containsExactly(Map.entry("m1", 2));
  }

  @Test
  @DisplayName("an id submitted again in the turn it ended gets its end record before its new entry")
  void endedAndSubmittedAgainInOneTurn() {
    LedgerBatches b = batches(1000, 1 << 20);
    b.add(entry("m1", 3));
    endTurn();
    confirmAll();
    b.forget("m1");
    b.add(entry("m1", 1));
    endTurn();
    confirmAll();
    assertThat(attempts(replay(false))).containsExactly(Map.entry("m1", 1));
    assertThat(attempts(replay(true, true))).containsExactly(Map.entry("m1", 1));
  }

  @Test
  @DisplayName("an end record written again after a failure leaves out the ids submitted again meanwhile")
  void endRetryLeavesOutNewMessages() {
    LedgerBatches b = batches(1000, 1 << 20);
    b.add(entry("m1", 3));
    b.add(entry("m2", 1));
    endTurn();
    confirmAll();
    b.forget("m1");
    b.forget("m2");
    endTurn();
    failNext();
    b.add(entry("m1", 1));
    endTurn();
    confirmAll();
    advance(RETRY);
    confirmAll();
    assertThat(attempts(replay(false))).containsExactly(Map.entry("m1", 1));
    assertThat(attempts(replay(true))).containsExactly(Map.entry("m1", 1));
    b.forget("m1");
    endTurn();
    confirmAll();
    assertThat(replay(true, true).entries()).isEmpty();
    assertThat(b.liveEnds()).isZero();
  }

  @Test
  @DisplayName("a batch older than the rewrite age that lost members hands back the rest; a full one does not")
  void staleBatchesRewritten() {
    LedgerBatches b = batches(1000, 1 << 20);
    b.add(entry("m1", 1));
    b.add(entry("m2", 1));
    endTurn();
    b.add(entry("full", 1));
    endTurn();
    confirmAll();
    b.forget("m1");
    assertThat(b.stale()).as("younger than the rewrite age").isEmpty();

    clock.advanceMillis(REWRITE_AFTER);
    assertThat(b.stale()).containsExactly("m2");
    b.add(entry("m2", 1));
    assertThat(b.stale()).as("moving").isEmpty();
    endTurn();
    confirmAll();
    assertThat(tombstones).isEqualTo(1);
    assertThat(b.liveBatches()).as("the full batch and the new one").isEqualTo(2);
    assertThat(attempts(replay(true))).containsExactly(Map.entry("full", 1), Map.entry("m2", 1));
  }

  @Test
  @DisplayName("records an earlier run left are adopted: released as their messages end or move, stale if partial")
  void adoptedRecords() {
    LedgerBatches b = batches(1000, 1 << 20);
    b.adopt("a1|#old.0", List.of("x1", "x2"), 3);
    b.adopt("a1|solo", List.of("solo"), 1);
    b.adopt("a1|#old.1", List.of(), 2);
    assertThat(tombstones).as("an adopted record holding nothing is ended at once").isEqualTo(1);

    b.forget("solo");
    assertThat(log.get(log.size() - 1).key()).isEqualTo("a1|solo");
    clock.advanceMillis(REWRITE_AFTER);
    assertThat(b.stale()).containsExactly("x1", "x2");
    b.add(entry("x1", 1));
    b.forget("x2");
    endTurn();
    confirmAll();
    assertThat(log.get(log.size() - 1).key()).isEqualTo("a1|#old.0");
    assertThat(b.liveBatches()).isEqualTo(1);
    assertThat(b.held()).isEqualTo(1);
  }

  @Test
  @DisplayName("random turns of submits, re-sends, finals, failures and sweeps: a restart always finds exactly the "
      + "pending messages at their latest durable attempt, compacted or not, and nothing is left once all are final")
  void randomHistoriesReplayToThePendingSet() {
    for (long seed = 1; seed <= 40; seed++) {
      log.clear();
      inFlight.clear();
      inFlightRecords.clear();
      endOfTurn.clear();
      timers.clear();
      SplittableRandom random = new SplittableRandom(seed);
      LedgerBatches b = batches(1 + random.nextInt(8), 1 << 20);
      // Model: pending id -> attempt last made durable; attempt last recorded (maybe not yet durable).
      Map<String, Integer> durable = new LinkedHashMap<>();
      Map<String, Integer> recorded = new LinkedHashMap<>();
      List<String> ended = new ArrayList<>();
      int next = 0;
      for (int turn = 0; turn < 300; turn++) {
        int ops = random.nextInt(6);
        for (int i = 0; i < ops; i++) {
          int op = random.nextInt(10);
          List<String> ids = new ArrayList<>(recorded.keySet());
          if (op == 0 && !ended.isEmpty()) {
            // The same id submitted again once final: a new message.
            String id = ended.remove(random.nextInt(ended.size()));
            incarnation.merge(id, 1, Integer::sum);
            recorded.put(id, 1);
            track(b.add(entry(id, 1)), id, 1, durable, recorded);
          } else if (op < 4 || ids.isEmpty()) {
            String id = "m" + next++;
            recorded.put(id, 1);
            track(b.add(entry(id, 1)), id, 1, durable, recorded);
          } else if (op < 7) {
            String id = ids.get(random.nextInt(ids.size()));
            int attempt = recorded.get(id) + 1;
            recorded.put(id, attempt);
            track(b.add(entry(id, attempt)), id, attempt, durable, recorded);
          } else {
            String id = ids.get(random.nextInt(ids.size()));
            recorded.remove(id);
            durable.remove(id);
            b.forget(id);
            ended.add(id);
          }
        }
        endTurn();
        // The broker answers some writes now, and fails one now and then.
        while (!inFlight.isEmpty() && random.nextInt(3) > 0) {
          if (random.nextInt(20) == 0) {
            failNext();
          } else {
            inFlightRecords.poll();
            inFlight.poll().complete();
          }
        }
        advance(random.nextInt(2) == 0 ? 0 : random.nextLong(1, REWRITE_AFTER / 4));
        for (String id : b.stale()) {
          track(b.add(entry(id, recorded.get(id))), id, recorded.get(id), durable, recorded);
        }
        if (inFlight.isEmpty() && timers.isEmpty() && endOfTurn.isEmpty()) {
          assertThat(attempts(replay(false))).as("seed %d turn %d", seed, turn).isEqualTo(new TreeMap<>(recorded));
          assertThat(attempts(replay(true))).as("seed %d turn %d, compacted", seed, turn)
              .isEqualTo(new TreeMap<>(recorded));
          assertThat(attempts(replay(true, true))).as("seed %d turn %d, compacted, tombstones deleted", seed, turn)
              .isEqualTo(new TreeMap<>(recorded));
        } else {
          // Mid-flight a restart may find an entry not yet confirmed, but never lose a durable one.
          Map<String, Integer> found = attempts(replay(true));
          for (Map.Entry<String, Integer> d : durable.entrySet()) {
            assertThat(found.get(d.getKey())).as("seed %d turn %d: %s", seed, turn, d.getKey())
                .isNotNull().isGreaterThanOrEqualTo(d.getValue());
          }
        }
      }
      for (String id : new ArrayList<>(recorded.keySet())) {
        b.forget(id);
      }
      endTurn();
      for (int round = 0; round < 10 && (!inFlight.isEmpty() || !timers.isEmpty()); round++) {
        confirmAll();
        advance(RETRY);
      }
      assertThat(replay(true).entries()).as("seed %d: all final", seed).isEmpty();
      assertThat(replay(true).holders()).isEmpty();
      assertThat(replay(true).ends()).as("seed %d: no end record left", seed).isEmpty();
      assertThat(b.liveBatches()).as("seed %d: no batch left", seed).isZero();
      assertThat(b.held()).isZero();
    }
  }

  // Incarnations of each id: a callback of an ended message must not count for the same id submitted again.
  private final Map<String, Integer> incarnation = new HashMap<>();

  private void track(Future<Void> f, String id, int attempt, Map<String, Integer> durable,
      Map<String, Integer> recorded) {
    int mine = incarnation.getOrDefault(id, 0);
    f.onSuccess(v -> {
      boolean same = recorded.containsKey(id) && incarnation.getOrDefault(id, 0) == mine;
      if (same && durable.getOrDefault(id, 0) < attempt) {
        durable.put(id, attempt);
      }
    });
  }
}

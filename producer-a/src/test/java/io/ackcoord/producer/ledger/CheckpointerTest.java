package io.ackcoord.producer.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.time.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CheckpointerTest {

  /** Records go into a list; each write waits for the test when {@code holdWrites} is set. */
  private static final class FakeIo implements Checkpointer.Io {
    final List<ProducerRecord<String, byte[]>> written = new ArrayList<>();
    final List<Promise<Void>> held = new ArrayList<>();
    final List<String> tombstones = new ArrayList<>();
    final List<Long> delays = new ArrayList<>();
    final List<Runnable> timers = new ArrayList<>();
    Promise<Checkpointer.Ends> ends;
    boolean holdWrites;
    boolean failWrites;

    @Override
    public Future<Checkpointer.Ends> endOffsets() {
      if (ends != null) {
        return ends.future();
      }
      return Future.succeededFuture(new Checkpointer.Ends(Map.of(0, 10L, 1, 20L), Map.of(0, 3L)));
    }

    @Override
    public Future<Void> write(ProducerRecord<String, byte[]> record) {
      written.add(record);
      if (failWrites) {
        return Future.failedFuture("broker down");
      }
      if (holdWrites) {
        Promise<Void> p = Promise.promise();
        held.add(p);
        return p.future();
      }
      return Future.succeededFuture();
    }

    @Override
    public void tombstone(String key) {
      tombstones.add(key);
    }

    @Override
    public long schedule(long delayMillis, Runnable task) {
      delays.add(delayMillis);
      timers.add(task);
      return timers.size();
    }

    @Override
    public void cancel(long timerId) {
    }

    void fireTimer() {
      timers.remove(0).run();
    }
  }

  /** Pending entries in a list; the cursor is an index. */
  private static final class ListSource implements CheckpointSource {
    final List<LedgerEntry> pending = new ArrayList<>();
    final List<LedgerEntry> lettering = new ArrayList<>();
    long reply = 42;
    int pages;

    @Override
    public Page pending(long cursor, int limit) {
      pages++;
      int from = (int) cursor;
      int to = Math.min(pending.size(), from + limit);
      return new Page(new ArrayList<>(pending.subList(from, to)), to, to < pending.size());
    }

    @Override
    public List<LedgerEntry> deadLettering() {
      return lettering;
    }

    @Override
    public int pendingCount() {
      return pending.size();
    }

    @Override
    public long replyPosition() {
      return reply;
    }
  }

  private final ManualClock clock = new ManualClock();
  private final FakeIo io = new FakeIo();
  private final ListSource source = new ListSource();
  private final WriteBarrier barrier = new WriteBarrier();

  private Checkpointer checkpointer(long lastSeq, int... chunksInSet) {
    return new Checkpointer("a1", "ledger", 1, 11, 22, io, source, barrier, clock, 1000, lastSeq,
        chunksInSet.length == 0 ? new int[2] : chunksInSet);
  }

  private static LedgerEntry entry(String id, int payloadBytes) {
    return payloadBytes < 0
        ? new LedgerEntry(id, "a1", 2, 1_000, 2_000, 500, 3_000, "text/plain", null, 99, new Position(1, 7), 250, null)
        : new LedgerEntry(id, "a1", 1, 1_000, 1_000, 500, 1_500, null, new byte[payloadBytes], 99, null);
  }

  private static ConsumerRecord<String, byte[]> consumed(ProducerRecord<String, byte[]> r) {
    return new ConsumerRecord<>(r.topic(), r.partition(), 0L, 0L, TimestampType.CREATE_TIME, 0, 0, r.key(),
        r.value(), new RecordHeaders(r.headers().toArray()), Optional.empty());
  }

  private List<LedgerEntry> chunkEntries(long seq) throws Exception {
    List<LedgerEntry> entries = new ArrayList<>();
    for (ProducerRecord<String, byte[]> r : io.written) {
      if (!CheckpointCodec.isHeadKey(r.key())) {
        CheckpointCodec.Chunk c = CheckpointCodec.fromChunk(consumed(r));
        if (c.seq() == seq) {
          entries.addAll(c.entries());
        }
      }
    }
    return entries;
  }

  @Test
  @DisplayName("a checkpoint writes its chunks, then its head with the offsets, the reply position and the key")
  void chunksThenHead() throws Exception {
    source.pending.add(entry("m1", -1));
    source.pending.add(entry("m2", 5));
    source.lettering.add(new LedgerEntry("d1", "a1", 3, 1_000, 1_000, 500, 1_500, null, null, 99,
        new Position(0, 1), 0, "no reply after 3 attempt(s)"));

    Future<Void> done = checkpointer(0).start();

    assertThat(done.succeeded()).isTrue();
    ProducerRecord<String, byte[]> last = io.written.get(io.written.size() - 1);
    assertThat(last.key()).isEqualTo("a1|~1");
    assertThat(last.partition()).isEqualTo(1);
    CheckpointHead head = CheckpointCodec.fromHead(consumed(last));
    assertThat(head.seq()).isEqualTo(1);
    assertThat(head.chunks()).isEqualTo(1);
    assertThat(head.pending()).isEqualTo(3);
    assertThat(head.k0()).isEqualTo(11);
    assertThat(head.k1()).isEqualTo(22);
    assertThat(head.replyOffset()).isEqualTo(42);
    assertThat(head.messageEnds()).isEqualTo(Map.of(0, 10L, 1, 20L));
    assertThat(head.deadLetterEnds()).isEqualTo(Map.of(0, 3L));
    assertThat(CheckpointCodec.pendingOf(consumed(last))).isEqualTo(3);
    assertThat(chunkEntries(1)).extracting(LedgerEntry::id).containsExactly("m1", "m2", "d1");
    assertThat(chunkEntries(1).get(0)).usingRecursiveComparison().isEqualTo(entry("m1", -1));
    assertThat(chunkEntries(1).get(2).deadLetterReason()).isEqualTo("no reply after 3 attempt(s)");
    assertThat(io.delays).as("the next one is scheduled").containsExactly(1000L);
  }

  @Test
  @DisplayName("the checkpoint is composed only once every write issued before the end offsets arrived is answered")
  void waitsForEarlierWrites() {
    io.ends = Promise.promise();
    Checkpointer c = checkpointer(0);
    Promise<Void> before = Promise.promise();
    barrier.track(before.future());
    Future<Void> done = c.checkpoint();
    Promise<Void> whileAsking = Promise.promise();
    barrier.track(whileAsking.future());
    io.ends.complete(new Checkpointer.Ends(Map.of(0, 1L), Map.of()));
    Promise<Void> after = Promise.promise();
    barrier.track(after.future());

    assertThat(io.written).isEmpty();
    before.complete();
    assertThat(io.written).as("a write issued while the offsets were read may lie below them").isEmpty();
    whileAsking.complete();
    assertThat(done.succeeded()).as("a write issued after the cut lies above the offsets: no need to wait").isTrue();
    assertThat(io.written).hasSize(1);
  }

  @Test
  @DisplayName("many pending messages go in chunks, a page at a time, the next page once the last one's chunks are durable")
  void pagesAndChunks() throws Exception {
    int count = Checkpointer.PAGE + 10;
    for (int i = 0; i < count; i++) {
      source.pending.add(entry("m" + i, 100));
    }
    io.holdWrites = true;
    Future<Void> done = checkpointer(0).checkpoint();

    assertThat(source.pages).isEqualTo(1);
    int firstPageChunks = io.written.size();
    assertThat(firstPageChunks).as("a page of about 500 KB is cut into chunks of at most 256 KB").isEqualTo(2);
    List<Promise<Void>> held = new ArrayList<>(io.held);
    io.held.clear();
    held.forEach(Promise::complete);
    assertThat(source.pages).isEqualTo(2);
    while (!io.held.isEmpty()) {
      held = new ArrayList<>(io.held);
      io.held.clear();
      held.forEach(Promise::complete);
    }
    assertThat(done.succeeded()).isTrue();
    for (ProducerRecord<String, byte[]> r : io.written) {
      assertThat(r.value().length).isLessThanOrEqualTo(Checkpointer.CHUNK_BYTES + 100);
    }
    assertThat(chunkEntries(1)).hasSize(count);
    CheckpointHead head = CheckpointCodec.fromHead(consumed(io.written.get(io.written.size() - 1)));
    assertThat(head.chunks()).isEqualTo(io.written.size() - 1);
  }

  @Test
  @DisplayName("checkpoints alternate key sets; chunks a set no longer uses are tombstoned after its new head")
  void alternatesAndTombstones() {
    Checkpointer c = checkpointer(4, 0, 3);
    source.pending.add(entry("m1", -1));

    c.checkpoint();
    assertThat(io.written).extracting(ProducerRecord::key).containsExactly("a1|~1.0", "a1|~1");
    assertThat(io.tombstones).as("set 1 held 3 chunks before").containsExactly("a1|~1.1", "a1|~1.2");
    assertThat(c.seq()).isEqualTo(5);

    io.written.clear();
    c.checkpoint();
    assertThat(io.written).extracting(ProducerRecord::key).containsExactly("a1|~0.0", "a1|~0");
    assertThat(c.seq()).isEqualTo(6);
  }

  @Test
  @DisplayName("a failed write fails the checkpoint without a head; the next one is tried after the base interval")
  void failureWritesNoHead() {
    source.pending.add(entry("m1", -1));
    io.failWrites = true;
    Checkpointer c = checkpointer(0);

    Future<Void> done = c.start();

    assertThat(done.failed()).isTrue();
    assertThat(io.written).extracting(ProducerRecord::key).containsExactly("a1|~1.0");
    assertThat(c.seq()).isZero();
    assertThat(io.delays).containsExactly(1000L);
    io.failWrites = false;
    io.fireTimer();
    assertThat(c.seq()).as("the same number, in the same set: the other set still has the last whole one")
        .isEqualTo(1);
  }

  @Test
  @DisplayName("the interval grows with the number pending, up to a bound")
  void intervalGrows() {
    Checkpointer c = checkpointer(0);
    assertThat(c.intervalMillis(0)).isEqualTo(1000);
    assertThat(c.intervalMillis(100_000)).isEqualTo(5000);
    assertThat(c.intervalMillis(10_000_000)).isEqualTo(Checkpointer.MAX_INTERVAL_MS);
  }

  @Test
  @DisplayName("a checkpoint asked for while one is written is that one")
  void oneAtATime() {
    io.ends = Promise.promise();
    Checkpointer c = checkpointer(0);
    Future<Void> first = c.checkpoint();
    assertThat(c.checkpoint()).isSameAs(first);
    io.ends.complete(new Checkpointer.Ends(new LinkedHashMap<>(), Map.of()));
    assertThat(first.succeeded()).isTrue();
    assertThat(c.checkpoint()).isNotSameAs(first);
  }
}

package io.ackcoord.producer.ledger;

import io.ackcoord.producer.ids.StringTable;
import io.ackcoord.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which ledger record holds each pending message's latest entry, and when a record may be tombstoned: the
 * bookkeeping behind {@link KafkaLedger}'s batches. Pure: records go out through {@link Writes}, time comes from
 * the injected clock, and the end of the current event-loop turn from {@code later}.
 *
 * <p>Every entry recorded during a turn goes into one batch record (cut at {@code maxEntries} or {@code maxBytes}).
 * A message is <em>held</em> by the newest batch its entry went into; the batch that held it before is released once
 * the new one is durable, so at every moment some durable record has the message's latest durable entry. The
 * messages that become final during a turn are named in one <em>end record</em>, written after the turn's batch; it
 * ends them whichever batches still carry their entries. A batch is tombstoned when it holds nothing any more
 * (every message in it final or held by a newer batch); an end record once every batch written before it is
 * tombstoned, since only those can carry what it ends. So a turn costs one record and one tombstone of each kind,
 * not a record and a tombstone per message, and the compacted topic keeps one tombstone per turn, not per message.
 *
 * <p>Compaction: tombstones are deleted after the topic's {@code delete.retention.ms} (24 h by default), but an end
 * record's tombstone always comes after the tombstones of the batches it covers, so compaction never drops an end
 * record while a batch it covers is still live. A batch that stays live because one message in it is pending for
 * long keeps every end record written after it; so a batch older than {@code rewriteAfterMillis} that no longer
 * holds all its messages is handed back through {@link #stale}: its remaining messages are recorded anew, and it
 * is tombstoned.
 *
 * <p>A failed batch write fails the futures of its entries and is written again (only with the entries it still
 * holds) after {@code retryDelayMillis}; the batches it replaces stay held until it is durable. A caller whose
 * first entry failed must {@link #forget} the message (the coordinator does, when it rejects the submission). A
 * failed end record is written again until it lands.
 *
 * <p>Not thread-safe: it lives on A's event loop.
 *
 * <p>One class of some 400 lines because batches and end records share one invariant (a durable record holds every
 * pending message's latest entry, and no end record is dropped while a batch it covers is live); split, each half
 * would have to know the other's state to keep it.
 */
final class LedgerBatches {

  /** Where batch records and tombstones go. */
  interface Writes {

    /** Writes a batch record; completes once it is durable. */
    Future<Void> write(String key, List<LedgerEntry> entries);

    /** Writes an end record naming messages that are final; completes once it is durable. */
    Future<Void> end(String key, List<String> ids);

    /** Writes the tombstone of a record no longer needed; failures are the writer's to log. */
    void tombstone(String key);

    /** Runs {@code task} after {@code delayMillis}. */
    void schedule(long delayMillis, Runnable task);
  }

  /** A ledger record that holds entries: a batch of this run, or a record adopted from an earlier run's ledger. */
  static final class Batch {
    // Set for a record adopted from an earlier run; this run's keys are made from the order when needed (a million
    // pending messages submitted a few per turn make hundreds of thousands of batches, so each field counts).
    final String key;
    // Creation order among all batches of this ledger, adopted ones first.
    final long order;
    final long createdAt;
    // The ids added, in order (an id may repeat); the array is cut to size once durable.
    String[] ids = new String[8];
    int count;
    // The batch that held ids[i] before this one, or null; released once this batch is durable.
    List<Batch> previous = new ArrayList<>();
    // What the record carries; dropped once durable.
    List<LedgerEntry> entries = new ArrayList<>();
    // Completed, and dropped, once the record is durable.
    Promise<Void> durable = Promise.promise();
    int bytes;
    // Distinct ids this batch has held, and how many of them it still holds: the tombstone is due at 0.
    int members;
    int holding;
    boolean written;
    boolean tombstoned;
    // The list of batches by age (intrusive, so a batch that ends anywhere in it is unlinked in O(1)).
    Batch older;
    Batch newer;

    Batch(String key, long order, long createdAt) {
      this.key = key;
      this.order = order;
      this.createdAt = createdAt;
    }

    void addId(String id) {
      if (count == ids.length) {
        ids = Arrays.copyOf(ids, count * 2);
      }
      ids[count++] = id;
    }
  }

  /** An end record: the messages that became final in one turn. */
  private static final class End {
    final String key;
    // The newest batch when it was written: it is tombstoned once no batch of this order or older is live.
    final long covers;
    List<String> ids;
    boolean durable;

    End(String key, long covers, List<String> ids) {
      this.key = key;
      this.covers = covers;
      this.ids = ids;
    }
  }

  private final String producerId;
  private final String run;
  private final Writes writes;
  private final Clock clock;
  private final Consumer<Runnable> later;
  private final int maxEntries;
  private final int maxBytes;
  private final long rewriteAfterMillis;
  private final long retryDelayMillis;
  private final StringTable<Batch> holder = new StringTable<>();
  private Batch open;
  // Ended since the last end record. A set: an id that ends and is submitted again within one turn must get its
  // end record before its new entry.
  private Set<String> ending = new HashSet<>();
  // Written or being written, oldest first.
  private final ArrayDeque<End> ends = new ArrayDeque<>();
  private boolean flushScheduled;
  private long nextEnd;
  private long lastOrder;
  private Batch oldest;
  private Batch newest;

  /**
   * @param run   names this process's records (keys {@code <producerId>|#<run>.<n>}); unique per start of A, so a
   *              batch never reuses the key of one an earlier run left in the ledger
   * @param later runs a task after the current event-loop turn: the batch of the turn is written then
   */
  LedgerBatches(String producerId, String run, Writes writes, Clock clock, Consumer<Runnable> later,
      int maxEntries, int maxBytes, long rewriteAfterMillis, long retryDelayMillis) {
    this.producerId = producerId;
    this.run = run;
    this.writes = writes;
    this.clock = clock;
    this.later = later;
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.rewriteAfterMillis = rewriteAfterMillis;
    this.retryDelayMillis = retryDelayMillis;
  }

  /** Puts the entry into this turn's batch; completes when that batch is durable. */
  Future<Void> add(LedgerEntry e) {
    int size = LedgerCodec.batchEntrySize(e);
    if (open != null && open.bytes + size > maxBytes) {
      flush();
    }
    if (!ending.isEmpty() && ending.contains(e.id())) {
      flush();
    }
    if (open == null) {
      open = new Batch(null, ++lastOrder, clock.monotonicMillis());
      link(open);
      flushLater();
    }
    Batch b = open;
    Batch before = holder.put(e.id(), b);
    if (before != b) {
      b.members++;
      b.holding++;
    }
    b.addId(e.id());
    // An id added twice to one batch: the later entry supersedes, and the first occurrence carries the release.
    b.previous.add(before == b ? null : before);
    b.entries.add(e);
    b.bytes += size;
    Future<Void> f = b.durable.future();
    if (b.entries.size() >= maxEntries) {
      flush();
    }
    return f;
  }

  /**
   * The message is final (or was never accepted): this turn's end record will say so, whichever records carry it.
   * (A batch's tombstone alone would not: once compaction drops the batch's record, an older batch that still
   * carries the message's earlier entry would bring it back.) The batch holding it is tombstoned when it holds none.
   */
  void forget(String id) {
    Batch b = holder.remove(id);
    if (b == null) {
      return;
    }
    ending.add(id);
    flushLater();
    release(b);
  }

  /** Takes over a record an earlier run left live, holding {@code ids}; {@code members} ids were written in it. */
  void adopt(String key, List<String> ids, int members) {
    Batch b = new Batch(key, ++lastOrder, clock.monotonicMillis());
    b.written = true;
    b.entries = null;
    b.previous = null;
    b.durable = null;
    b.members = members;
    for (String id : ids) {
      Batch before = holder.put(id, b);
      if (before != null) {
        // The reader gives each id one holder; a repeat would be its bug, and counting it twice would pin the batch.
        throw new IllegalArgumentException("id " + id + " adopted twice");
      }
      b.addId(id);
      b.holding++;
    }
    link(b);
    tombstoneIfEmpty(b);
  }

  /** Takes over an end record an earlier run left live; adopt its batches first, since it may cover them. */
  void adoptEnd(String key) {
    End e = new End(key, lastOrder, null);
    e.durable = true;
    ends.add(e);
    tombstoneEnds();
  }

  /**
   * Ids to record anew: those held by batches older than {@code rewriteAfterMillis} that no longer hold all their
   * messages (see the class comment). Recording them moves them to a new batch, and the old one is tombstoned.
   */
  List<String> stale() {
    long cutoff = clock.monotonicMillis() - rewriteAfterMillis;
    List<String> ids = new ArrayList<>();
    for (Batch b = oldest; b != null && b.createdAt <= cutoff; b = b.newer) {
      if (b.written && b.holding < b.members) {
        for (int i = 0; i < b.count; i++) {
          if (holder.get(b.ids[i]) == b) {
            ids.add(b.ids[i]);
          }
        }
      }
    }
    return ids;
  }

  /** Messages held (for tests). */
  int held() {
    return holder.size();
  }

  /** Batches not yet tombstoned, the open one included (for tests). */
  int liveBatches() {
    int n = 0;
    for (Batch b = oldest; b != null; b = b.newer) {
      n++;
    }
    return n;
  }

  /** End records not yet tombstoned (for tests). */
  int liveEnds() {
    return ends.size();
  }

  /** Writes the open batch now, then the end record of the messages that ended since the last one. */
  void flush() {
    flushScheduled = false;
    Batch b = open;
    if (b != null) {
      open = null;
      write(b, b.entries);
    }
    if (!ending.isEmpty()) {
      End e = new End(LedgerCodec.endKey(producerId, run + "." + nextEnd++), lastOrder, new ArrayList<>(ending));
      ending = new HashSet<>();
      ends.add(e);
      writeEnd(e);
    }
  }

  private void flushLater() {
    if (!flushScheduled) {
      flushScheduled = true;
      later.accept(this::flush);
    }
  }

  private void writeEnd(End e) {
    writes.end(e.key, e.ids).onComplete(ar -> {
      if (ar.succeeded()) {
        e.durable = true;
        e.ids = null;
        tombstoneEnds();
      } else {
        writes.schedule(retryDelayMillis, () -> retryEnd(e));
      }
    });
  }

  // Not the ids submitted again since: their new entries went out after the first try, and must not be ended.
  private void retryEnd(End e) {
    e.ids.removeIf(id -> holder.get(id) != null);
    writeEnd(e);
  }

  // In order: an end record written later never covers fewer batches.
  private void tombstoneEnds() {
    while (!ends.isEmpty() && ends.peek().durable && (oldest == null || oldest.order > ends.peek().covers)) {
      writes.tombstone(ends.poll().key);
    }
  }

  private String keyOf(Batch b) {
    return b.key != null ? b.key : LedgerCodec.batchKey(producerId, run + "." + b.order);
  }

  private void write(Batch b, List<LedgerEntry> entries) {
    writes.write(keyOf(b), entries).onComplete(ar -> {
      if (ar.succeeded()) {
        durable(b);
      } else {
        b.durable.tryFail(ar.cause());
        writes.schedule(retryDelayMillis, () -> retry(b));
      }
    });
  }

  // Only what the batch still holds: an entry superseded since, or of a final message, must not come back.
  private void retry(Batch b) {
    List<LedgerEntry> still = new ArrayList<>();
    for (int i = 0; i < b.count; i++) {
      if (holder.get(b.ids[i]) == b) {
        still.add(b.entries.get(i));
      }
    }
    if (still.isEmpty()) {
      durable(b);
    } else {
      write(b, still);
    }
  }

  private void durable(Batch b) {
    b.written = true;
    b.entries = null;
    b.ids = Arrays.copyOf(b.ids, b.count);
    List<Batch> before = b.previous;
    b.previous = null;
    b.durable.tryComplete();
    b.durable = null;
    for (Batch p : before) {
      if (p != null) {
        release(p);
      }
    }
    tombstoneIfEmpty(b);
  }

  private void release(Batch b) {
    b.holding--;
    tombstoneIfEmpty(b);
  }

  // Only once written: the tombstone must follow the record, and a batch still to be written (or retried) may
  // finish empty, in which case it is dropped when it becomes durable.
  private void tombstoneIfEmpty(Batch b) {
    if (b.holding == 0 && b.written && !b.tombstoned) {
      b.tombstoned = true;
      unlink(b);
      writes.tombstone(keyOf(b));
      tombstoneEnds();
    }
  }

  private void link(Batch b) {
    b.older = newest;
    if (newest != null) {
      newest.newer = b;
    } else {
      oldest = b;
    }
    newest = b;
  }

  private void unlink(Batch b) {
    if (b.older != null) {
      b.older.newer = b.newer;
    } else {
      oldest = b.newer;
    }
    if (b.newer != null) {
      b.newer.older = b.older;
    } else {
      newest = b.older;
    }
    b.older = null;
    b.newer = null;
  }
}

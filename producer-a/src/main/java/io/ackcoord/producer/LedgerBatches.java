package io.ackcoord.producer;

import io.ackcoord.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Which ledger record holds each pending message's latest entry, and when a record may be tombstoned: the
 * bookkeeping behind {@link KafkaLedger}'s batches. Pure: records go out through {@link Writes}, time comes from
 * the injected clock, and the end of the current event-loop turn from {@code later}.
 *
 * <p>Every entry recorded during a turn goes into one batch record (cut at {@code maxEntries} or {@code maxBytes}).
 * A message is <em>held</em> by the newest batch its entry went into; the batch that held it before is released once
 * the new one is durable, so at every moment some durable record has the message's latest durable entry. A batch is
 * tombstoned when it holds nothing any more: every message in it is final or held by a newer batch. One record and
 * one tombstone per batch replace one of each per message.
 *
 * <p>Compaction and old batches: reading a ledger, a later record of an id supersedes an earlier one, and a batch's
 * tombstone drops only the ids it still held. A batch record that stays live because one message in it is pending
 * for long also still carries its other messages' old entries; once the records that superseded those (and their
 * tombstones) are compacted away, a restart would take them for pending again. So a batch older than
 * {@code rewriteAfterMillis} that no longer holds all its messages is handed back through {@link #stale}: its
 * remaining messages are recorded anew, and it is tombstoned. This keeps every batch younger than the ledger topic's
 * {@code delete.retention.ms} (24 h by default) before its tombstone: keep that above {@code rewriteAfterMillis}.
 *
 * <p>A failed batch write fails the futures of its entries and is written again (only with the entries it still
 * holds) after {@code retryDelayMillis}; the batches it replaces stay held until it is durable. A caller whose
 * first entry failed must {@link #forget} the message (the coordinator does, when it rejects the submission).
 *
 * <p>Not thread-safe: it lives on A's event loop.
 */
final class LedgerBatches {

  /** Where batch records and tombstones go. */
  interface Writes {

    /** Writes a batch record; completes once it is durable. */
    Future<Void> write(String key, List<LedgerEntry> entries);

    /** Writes the tombstone of a record that holds no message any more; failures are the writer's to log. */
    void tombstone(String key);

    /** Runs {@code task} after {@code delayMillis}. */
    void schedule(long delayMillis, Runnable task);
  }

  /** A ledger record that holds entries: a batch of this run, or a record adopted from an earlier run's ledger. */
  static final class Batch {
    final String key;
    final long createdAt;
    final List<String> ids = new ArrayList<>();
    // The batch that held ids.get(i) before this one, or null; released once this batch is durable.
    List<Batch> previous = new ArrayList<>();
    // What the record carries; dropped once durable.
    List<LedgerEntry> entries = new ArrayList<>();
    // Messages that ended before the batch was written: their tombstones follow it.
    List<String> endedWhileOpen = new ArrayList<>();
    final Promise<Void> durable = Promise.promise();
    int bytes;
    // Distinct ids this batch has held, and how many of them it still holds: the tombstone is due at 0.
    int members;
    int holding;
    boolean written;
    boolean tombstoned;
    // The list of batches by age (intrusive, so a batch that ends anywhere in it is unlinked in O(1)).
    Batch older;
    Batch newer;

    Batch(String key, long createdAt) {
      this.key = key;
      this.createdAt = createdAt;
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
  private final Map<String, Batch> holder = new HashMap<>();
  private Batch open;
  private long nextSeq;
  private Batch oldest;
  private Batch newest;

  /**
   * @param run   names this process's batches (keys {@code <producerId>|#<run>.<seq>}); unique per start of A, so a
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
    if (open == null) {
      open = new Batch(LedgerCodec.batchKey(producerId, run + "." + nextSeq++), clock.monotonicMillis());
      link(open);
      later.accept(this::flush);
    }
    Batch b = open;
    Batch before = holder.put(e.id(), b);
    if (before != b) {
      b.members++;
      b.holding++;
    }
    b.ids.add(e.id());
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
   * The message is final (or was never accepted): a tombstone under its own key says so, whichever records carry
   * it. (A batch's tombstone alone would not: once compaction drops the batch's record, an older batch that still
   * carries the message's earlier entry would bring it back.) The batch holding it is tombstoned when it holds none.
   */
  void forget(String id) {
    Batch b = holder.remove(id);
    if (b == null) {
      return;
    }
    if (b == open) {
      // Its entry goes out with the batch at the end of the turn: the tombstone must follow it.
      b.endedWhileOpen.add(id);
    } else {
      writes.tombstone(LedgerCodec.key(producerId, id));
    }
    release(b);
  }

  /** Takes over a record an earlier run left live, holding {@code ids}; {@code members} ids were written in it. */
  void adopt(String key, List<String> ids, int members) {
    Batch b = new Batch(key, clock.monotonicMillis());
    b.written = true;
    b.entries = null;
    b.previous = null;
    b.endedWhileOpen = null;
    b.durable.complete();
    b.members = members;
    for (String id : ids) {
      Batch before = holder.put(id, b);
      if (before != null) {
        // The reader gives each id one holder; a repeat would be its bug, and counting it twice would pin the batch.
        throw new IllegalArgumentException("id " + id + " adopted twice");
      }
      b.ids.add(id);
      b.holding++;
    }
    link(b);
    tombstoneIfEmpty(b);
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
        for (String id : b.ids) {
          if (holder.get(id) == b) {
            ids.add(id);
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

  /** Writes the open batch now, if there is one. */
  void flush() {
    Batch b = open;
    if (b == null) {
      return;
    }
    open = null;
    write(b, b.entries);
    b.endedWhileOpen.forEach(id -> writes.tombstone(LedgerCodec.key(producerId, id)));
    b.endedWhileOpen = null;
  }

  private void write(Batch b, List<LedgerEntry> entries) {
    writes.write(b.key, entries).onComplete(ar -> {
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
    for (int i = 0; i < b.ids.size(); i++) {
      if (holder.get(b.ids.get(i)) == b) {
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
    List<Batch> before = b.previous;
    b.previous = null;
    b.durable.tryComplete();
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
      writes.tombstone(b.key);
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

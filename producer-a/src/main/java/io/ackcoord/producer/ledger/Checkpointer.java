package io.ackcoord.producer.ledger;

import io.ackcoord.time.Clock;
import io.ackcoord.time.Throttle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes A's checkpoints (decision 014): what is pending, and the offsets of topic 1, the dead-letter topic and the
 * reply partition up to which that is complete. Pure: records go out through {@link Io}, time comes from the
 * injected clock, and pages of pending messages from the {@link CheckpointSource}; it lives on A's event loop.
 *
 * <p>One checkpoint: note the reply position, ask for the end offsets of topic 1 and the dead-letter topic, cut the
 * {@link WriteBarrier} when they arrive and wait for the writes issued before, then write the pending messages in
 * chunks a page at a time (the next page once the last page's chunks are durable, so a million pending messages are
 * neither held twice in memory nor encoded in one event-loop turn), and last the head. The pages are read while
 * messages move on: an entry may be older than the message is by the time the head is written, never older than the
 * cut, and a restart's scan of the topics from the offsets corrects it.
 *
 * <p>Checkpoints alternate between two key sets, so a crash while one is written leaves the other whole. Chunks a
 * set held before and the new checkpoint does not use are tombstoned once its head is durable. The interval between
 * checkpoints grows with the number pending ({@link #intervalMillis}), so their cost stays a small share of A's
 * writes.
 */
public final class Checkpointer {

  /** Where checkpoint records go, and how the end offsets are read. */
  public interface Io {

    /** The end offsets of topic 1 and of the dead-letter topic, per partition. */
    Future<Ends> endOffsets();

    /** Writes a record to A's ledger partition; completes once durable. */
    Future<Void> write(ProducerRecord<String, byte[]> record);

    /** Writes a tombstone; failures are the writer's to log. */
    void tombstone(String key);

    /** Runs {@code task} after {@code delayMillis}; returns an id for {@link #cancel}. */
    long schedule(long delayMillis, Runnable task);

    void cancel(long timerId);
  }

  /** End offsets per partition. */
  public record Ends(Map<Integer, Long> messages, Map<Integer, Long> deadLetters) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
  /** Entries read from the source per page. */
  static final int PAGE = 4096;
  /** Chunk records are cut at this size, far below the broker's and the producer's 1 MiB defaults. */
  static final int CHUNK_BYTES = 256 * 1024;
  /** Pending messages one more second of interval is worth: about 64 bytes each, so at most ~1.3 MB/s. */
  static final int ENTRIES_PER_SECOND = 20_000;
  /** The longest interval, whatever is pending: bounds how much of topic 1 a restart reads. */
  static final long MAX_INTERVAL_MS = 120_000;

  private final String producerId;
  private final String topic;
  private final int partition;
  private final long k0;
  private final long k1;
  private final Io io;
  private final CheckpointSource source;
  private final WriteBarrier barrier;
  private final Clock clock;
  private final long baseIntervalMillis;
  private final int[] chunksInSet;
  private long seq;
  private Future<Void> running;
  private long timer = -1;
  private boolean stopped;
  private final Throttle failureLog;
  private long failures;

  /**
   * @param lastSeq     the sequence number of the newest checkpoint found at start-up, 0 if none
   * @param chunksInSet how many chunk records each key set held at start-up (to tombstone the unused ones)
   */
  public Checkpointer(String producerId, String topic, int partition, long k0, long k1, Io io,
      CheckpointSource source, WriteBarrier barrier, Clock clock, long baseIntervalMillis, long lastSeq,
      int[] chunksInSet) {
    this.producerId = producerId;
    this.topic = topic;
    this.partition = partition;
    this.k0 = k0;
    this.k1 = k1;
    this.io = io;
    this.source = source;
    this.barrier = barrier;
    this.clock = clock;
    this.baseIntervalMillis = baseIntervalMillis;
    this.seq = lastSeq;
    this.chunksInSet = chunksInSet.clone();
    this.failureLog = new Throttle(clock, 60_000);
  }

  /** Writes a checkpoint now, then one every {@link #intervalMillis}; completes when the first is durable. */
  public Future<Void> start() {
    return checkpoint().onComplete(ar -> scheduleNext(ar.succeeded()));
  }

  /** Stops the periodic checkpoints; one being written finishes. */
  public void stop() {
    stopped = true;
    if (timer >= 0) {
      io.cancel(timer);
      timer = -1;
    }
  }

  /** The sequence number of the newest durable checkpoint. */
  public long seq() {
    return seq;
  }

  /** The interval after which the next checkpoint is due, with {@code pending} messages pending. */
  long intervalMillis(int pending) {
    return Math.min(MAX_INTERVAL_MS, Math.max(baseIntervalMillis, pending * 1000L / ENTRIES_PER_SECOND));
  }

  private void scheduleNext(boolean lastSucceeded) {
    if (stopped) {
      return;
    }
    long delay = lastSucceeded ? intervalMillis(source.pendingCount()) : baseIntervalMillis;
    timer = io.schedule(delay, () -> {
      timer = -1;
      checkpoint().onComplete(ar -> scheduleNext(ar.succeeded()));
    });
  }

  /** Writes one checkpoint; a call while one is written returns that one. */
  public Future<Void> checkpoint() {
    if (running != null) {
      return running;
    }
    long reply = source.replyPosition();
    Future<Void> f = io.endOffsets()
        .compose(ends -> barrier.cut().map(ends))
        .compose(ends -> write(new Composing(seq + 1, ends, reply)))
        .onFailure(err -> {
          // Not while stopping (the producer closes under it), and once a minute while the broker is away.
          if (!stopped && failureLog.allow()) {
            LOG.warn("Checkpoint {} of producer {} failed, the next one is tried in {} ms ({} failed so far; "
                + "pending messages are safe in topic 1, a restart reads more of it): {}", seq + 1, producerId,
                baseIntervalMillis, ++failures, err.toString());
          } else {
            failures++;
          }
        });
    running = f;
    f.onComplete(ar -> running = null);
    return f;
  }

  /** One checkpoint being written. */
  private final class Composing {
    final long seq;
    final int set;
    final Ends ends;
    final long reply;
    final long composedAt;
    int chunks;
    long entries;
    List<LedgerEntry> open = new ArrayList<>();
    int openBytes;

    Composing(long seq, Ends ends, long reply) {
      this.seq = seq;
      this.set = (int) (seq % 2);
      this.ends = ends;
      this.reply = reply;
      this.composedAt = clock.wallMillis();
    }
  }

  private Future<Void> write(Composing c) {
    return page(c, 0).compose(v -> {
      List<Future<Void>> last = new ArrayList<>();
      for (LedgerEntry e : source.deadLettering()) {
        add(c, e, last);
      }
      cut(c, last);
      return Future.all(last);
    }).compose(v -> {
      CheckpointHead head = new CheckpointHead(c.seq, c.chunks, c.entries, k0, k1, c.reply, c.ends.messages(),
          c.ends.deadLetters(), c.composedAt);
      return io.write(CheckpointCodec.head(topic, partition, CheckpointCodec.headKey(producerId, c.set), head));
    }).map(v -> {
      for (int i = c.chunks; i < chunksInSet[c.set]; i++) {
        io.tombstone(CheckpointCodec.chunkKey(producerId, c.set, i));
      }
      chunksInSet[c.set] = c.chunks;
      seq = c.seq;
      LOG.debug("Checkpoint {} of producer {}: {} message(s) in {} chunk(s)", c.seq, producerId, c.entries,
          c.chunks);
      return null;
    });
  }

  // A page's chunks are durable before the next page is read: memory stays at a page, and the loop is let go.
  private Future<Void> page(Composing c, long cursor) {
    CheckpointSource.Page p = source.pending(cursor, PAGE);
    List<Future<Void>> writes = new ArrayList<>();
    for (LedgerEntry e : p.entries()) {
      add(c, e, writes);
    }
    if (!p.more()) {
      return Future.all(writes).mapEmpty();
    }
    cut(c, writes);
    return Future.all(writes).compose(v -> page(c, p.cursor()));
  }

  private void add(Composing c, LedgerEntry e, List<Future<Void>> writes) {
    int size = CheckpointCodec.entrySize(e);
    if (!c.open.isEmpty() && c.openBytes + size > CHUNK_BYTES) {
      cut(c, writes);
    }
    c.open.add(e);
    c.openBytes += size;
    c.entries++;
  }

  private void cut(Composing c, List<Future<Void>> writes) {
    if (c.open.isEmpty()) {
      return;
    }
    int index = c.chunks++;
    chunksInSet[c.set] = Math.max(chunksInSet[c.set], c.chunks);
    writes.add(io.write(CheckpointCodec.chunk(topic, partition, CheckpointCodec.chunkKey(producerId, c.set, index),
        c.seq, c.open, c.openBytes)));
    c.open = new ArrayList<>();
    c.openBytes = 0;
  }
}

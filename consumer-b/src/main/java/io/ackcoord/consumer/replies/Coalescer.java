package io.ackcoord.consumer.replies;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Gathers items bound for the same destination (a reply partition, a processed partition) into batches, Nagle-like:
 * the first item for an idle destination is written on the next event-loop turn, with whatever else arrived in that
 * turn; while a destination has a batch in flight, its new items wait and go together once it is done. So there is no
 * batching and no added latency when B is idle, and batches grow by themselves with the load. A batch larger than one
 * record may hold is split ({@link Chunks}) and its records written side by side.
 *
 * <p>Guarantee: an item's Future completes when the write of the record holding it completes, with its outcome
 * (the writer retries as it sees fit). Pure: no Kafka, no timers; the next turn and the writer are injected.
 * Event-loop confined.
 *
 * @param <K> the destination
 * @param <T> an item
 */
final class Coalescer<K, T> {

  /** Writes one record holding {@code items}, all bound for {@code key}. */
  interface Writer<K, T> {
    Future<Void> write(K key, List<T> items);
  }

  private static final class Destination<T> {
    List<T> items = new ArrayList<>();
    List<Promise<Void>> waiting = new ArrayList<>();
    int inFlight;
    boolean scheduled;
  }

  private final Consumer<Runnable> nextTurn;
  private final Writer<K, T> writer;
  private final int maxCount;
  private final int maxBytes;
  private final ToIntFunction<T> size;
  private final Map<K, Destination<T>> destinations = new HashMap<>();
  private long batches;
  private long items;

  /**
   * @param nextTurn runs a task on a later event-loop turn ({@code context::runOnContext})
   * @param maxCount items in one record at most
   * @param maxBytes an item's {@code size} summed over one record at most
   */
  Coalescer(Consumer<Runnable> nextTurn, Writer<K, T> writer, int maxCount, int maxBytes, ToIntFunction<T> size) {
    this.nextTurn = nextTurn;
    this.writer = writer;
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
    this.size = size;
  }

  /** Queues {@code item} for {@code key}; completes once the record holding it is written. */
  Future<Void> add(K key, T item) {
    Destination<T> d = destinations.computeIfAbsent(key, k -> new Destination<>());
    Promise<Void> done = Promise.promise();
    d.items.add(item);
    d.waiting.add(done);
    if (d.inFlight == 0 && !d.scheduled) {
      d.scheduled = true;
      nextTurn.accept(() -> {
        d.scheduled = false;
        flush(key, d);
      });
    }
    return done.future();
  }

  /** Records written (or being written) so far. */
  long batches() {
    return batches;
  }

  /** Items handed to the writer so far. */
  long items() {
    return items;
  }

  /** Destinations with items queued or in flight. */
  int active() {
    return destinations.size();
  }

  private void flush(K key, Destination<T> d) {
    if (d.items.isEmpty()) {
      if (d.inFlight == 0) {
        destinations.remove(key, d);
      }
      return;
    }
    List<T> all = d.items;
    List<Promise<Void>> waiting = d.waiting;
    d.items = new ArrayList<>();
    d.waiting = new ArrayList<>();
    List<List<T>> chunks = Chunks.of(all, maxCount, maxBytes, size);
    // Counted before any write: a write that completes at once must not find the destination idle.
    d.inFlight += chunks.size();
    int from = 0;
    for (List<T> chunk : chunks) {
      List<Promise<Void>> chunkWaiting = waiting.subList(from, from + chunk.size());
      from += chunk.size();
      batches++;
      items += chunk.size();
      writer.write(key, chunk).onComplete(ar -> {
        chunkWaiting.forEach(p -> p.handle(ar));
        if (--d.inFlight == 0) {
          // What arrived meanwhile goes now, in one batch: waiting for another turn would only add latency.
          flush(key, d);
        }
      });
    }
  }
}

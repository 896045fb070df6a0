package io.ackcoord.producer.ledger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts A's writes to topic 1 and to the dead-letter topic that the broker has not answered yet, in two
 * generations, so a checkpoint can wait for exactly the writes issued before a cut.
 *
 * <p>Why: a checkpoint names the end offsets of topic 1 and the dead-letter topic up to which it is complete, and a
 * restart reads both topics only from there. A write issued before those offsets were known may land below them;
 * the checkpoint must then already show its effect (the message's position, or its dead letter durable), so it is
 * composed only once every such write is answered. A write issued after the cut lands above the offsets and is found
 * by the restart's scan. Pure and single-threaded: it lives on A's event loop.
 */
public final class WriteBarrier {

  private long generation;
  private int current;
  private int older;
  private List<Promise<Void>> waiting = new ArrayList<>();

  /** A write is issued now; pass the returned generation to {@link #answered} when the broker answers it. */
  public long issued() {
    current++;
    return generation;
  }

  /** The write issued in {@code generationOfWrite} is answered (durable or failed). */
  public void answered(long generationOfWrite) {
    if (generationOfWrite == generation) {
      current--;
      return;
    }
    older--;
    if (older == 0 && !waiting.isEmpty()) {
      List<Promise<Void>> done = waiting;
      waiting = new ArrayList<>();
      done.forEach(Promise::complete);
    }
  }

  /** Tracks {@code write}, issued now, until it completes. */
  public <T> Future<T> track(Future<T> write) {
    long g = issued();
    return write.onComplete(ar -> answered(g));
  }

  /**
   * Cuts: writes issued from now on are the new generation. Completes once every write issued before is answered.
   */
  public Future<Void> cut() {
    older += current;
    current = 0;
    generation++;
    if (older == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> drained = Promise.promise();
    waiting.add(drained);
    return drained.future();
  }

  /** Writes not answered yet (for tests and the status page). */
  public int unanswered() {
    return current + older;
  }
}

package io.ackcoord.producer.ledger;

import io.ackcoord.producer.ids.Receipts;
import io.vertx.core.Future;
import java.util.List;

/**
 * A's durable memory of what is pending, so a crash of A (kill -9) loses no message it accepted (decision 014).
 * Nothing is written per message: the records in topic 1 are the messages' durable copies, and the ledger holds
 * periodic checkpoints of what is pending; a restart reads the newest checkpoint and the topics from the offsets it
 * names.
 */
public interface Ledger {

  /**
   * What a restart found.
   *
   * @param entries     what this producer left pending, oldest first
   * @param receipts    the receipt key messages were accepted under (a new one on a first start)
   * @param replyOffset the reply offset from which replies are to be applied again; -1 to resume from the reply
   *                    position committed by the reply consumer (a ledger without checkpoints)
   */
  record Recovered(List<LedgerEntry> entries, Receipts receipts, long replyOffset) {
  }

  /** A ledger that remembers nothing: for embedding where durability of A is not wanted, and for tests. */
  Ledger NONE = new Ledger() {
    @Override
    public Future<Recovered> recover(RecoveryMerge.Timeouts timeouts) {
      return Future.succeededFuture(new Recovered(List.of(), Receipts.random(), -1));
    }

    @Override
    public Future<Void> start(CheckpointSource source, WriteBarrier barrier) {
      return Future.succeededFuture();
    }

    @Override
    public void stop() {
    }
  };

  /** Reads back what a previous run left pending; once, before {@link #start}. */
  Future<Recovered> recover(RecoveryMerge.Timeouts timeouts);

  /**
   * Writes the first checkpoint, then one periodically; completes once the first is durable, from when A may take
   * messages (its receipt key is durable then).
   *
   * @param barrier counts A's writes to topic 1 and the dead-letter topic (see {@link WriteBarrier})
   */
  Future<Void> start(CheckpointSource source, WriteBarrier barrier);

  /** Stops the periodic checkpoints. */
  void stop();
}

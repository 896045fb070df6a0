package io.ackcoord.producer.ledger;

import io.vertx.core.Future;
import java.util.List;

/**
 * A's durable memory of what is pending, so a crash of A (kill -9) loses no message it accepted. Written when a
 * message is accepted and at each re-send; forgotten once the message is ACKed or dead-lettered; read back on
 * start-up.
 */
public interface Ledger {

  /** A ledger that remembers nothing: for embedding where durability of A is not wanted, and for tests. */
  Ledger NONE = new Ledger() {
    @Override
    public Future<Void> record(LedgerEntry entry) {
      return Future.succeededFuture();
    }

    @Override
    public void forget(String id) {
    }

    @Override
    public Future<List<LedgerEntry>> recover() {
      return Future.succeededFuture(List.of());
    }
  };

  /** Stores (or replaces) the entry of a pending message; completes once durable. */
  Future<Void> record(LedgerEntry entry);

  /**
   * Drops a message that is final, or that was never accepted after all. Writing that down is the ledger's own
   * business (a failure to do so costs at most one more send of the message after a restart, which B answers from
   * its dedupe record).
   */
  void forget(String id);

  /** Every entry this producer left pending, latest state per id. */
  Future<List<LedgerEntry>> recover();
}

package io.ackcoord.producer.ledger;

import java.util.List;

/** What a checkpoint is made of: A's pending messages as the coordinator sees them, read on A's event loop. */
public interface CheckpointSource {

  /** Up to {@code limit} entries of pending messages after {@code cursor} (0: from the first), and the next cursor. */
  Page pending(long cursor, int limit);

  /** Messages dead-lettered whose dead-letter record is not durable yet: a restart must still write it. */
  List<LedgerEntry> deadLettering();

  /** How many messages are pending: the checkpoint interval grows with it. */
  int pendingCount();

  /** The offset of A's reply partition before which every reply is applied; -1 if not known yet. */
  long replyPosition();

  /** One page of {@link #pending}. */
  record Page(List<LedgerEntry> entries, long cursor, boolean more) {
  }
}

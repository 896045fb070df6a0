package io.ackcoord.producer.coordinator;

import io.ackcoord.producer.ledger.CheckpointSource;
import io.ackcoord.producer.ledger.LedgerEntry;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.producer.tracker.SeqIndex;
import io.ackcoord.producer.tracker.TrackedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The tracker's messages as a checkpoint reads them: pending ones a page at a time in accept order, and the dead
 * letters not yet durable, each as its {@link MessageTracker#checkpointEntry} (messages without one are left out).
 * Read on A's event loop, like the tracker.
 */
final class PendingCheckpoint implements CheckpointSource {

  private final MessageTracker tracker;
  private final String producerId;
  private final LongSupplier replyPosition;

  PendingCheckpoint(MessageTracker tracker, String producerId, LongSupplier replyPosition) {
    this.tracker = tracker;
    this.producerId = producerId;
    this.replyPosition = replyPosition;
  }

  @Override
  public Page pending(long cursor, int limit) {
    SeqIndex.Page page = tracker.pendingPage(cursor, limit);
    List<TrackedMessage> items = page.items();
    long last = items.isEmpty() ? cursor : items.get(items.size() - 1).acceptSeq();
    return new Page(entries(items), last, page.more());
  }

  @Override
  public List<LedgerEntry> deadLettering() {
    return entries(tracker.deadLettering());
  }

  @Override
  public int pendingCount() {
    return tracker.pendingCount();
  }

  @Override
  public long replyPosition() {
    return replyPosition.getAsLong();
  }

  private List<LedgerEntry> entries(List<TrackedMessage> messages) {
    List<LedgerEntry> entries = new ArrayList<>(messages.size());
    for (TrackedMessage m : messages) {
      LedgerEntry e = tracker.checkpointEntry(m, producerId);
      if (e != null) {
        entries.add(e);
      }
    }
    return entries;
  }
}

package io.ackcoord.producer;

import io.ackcoord.protocol.InvalidRecordException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays one producer's ledger records in offset order into what is still pending and which record holds it.
 *
 * <p>A record (a batch, or a per-message record of version 1 or 2) sets the entry of each id it carries, and becomes
 * that id's holder; a later record supersedes an earlier one. A tombstone under a message's own key ends that
 * message, whichever record holds it. A tombstone under a batch's key drops the ids the batch still holds, and only
 * those: a message that moved on to a newer batch stays. That is the order {@link LedgerBatches} writes in, and what
 * compaction keeps of it.
 */
final class LedgerReplay {

  private static final Logger LOG = LoggerFactory.getLogger(LedgerReplay.class);

  private final String producerId;
  private final Map<String, LedgerEntry> live = new LinkedHashMap<>();
  private final Map<String, String> holderOf = new HashMap<>();
  // Ids each live key's records carried, whether or not it still holds them.
  private final Map<String, List<String>> carried = new HashMap<>();
  private int invalid;

  LedgerReplay(String producerId) {
    this.producerId = producerId;
  }

  /** Applies the next record of the partition; records of other producers are ignored. */
  void accept(ConsumerRecord<String, byte[]> r) {
    String key = r.key();
    if (!producerId.equals(LedgerCodec.producerOf(key))) {
      return;
    }
    if (r.value() == null) {
      List<String> ids = carried.remove(key);
      if (!LedgerCodec.isBatchKey(key)) {
        // A message's own key: it is over, whichever record holds it.
        String id = LedgerCodec.idOf(key);
        holderOf.remove(id);
        live.remove(id);
      } else if (ids != null) {
        for (String id : ids) {
          if (key.equals(holderOf.get(id))) {
            holderOf.remove(id);
            live.remove(id);
          }
        }
      }
      return;
    }
    List<LedgerEntry> entries;
    try {
      entries = LedgerCodec.isBatchKey(key) ? LedgerCodec.fromBatch(r) : List.of(LedgerCodec.fromRecord(r));
    } catch (InvalidRecordException e) {
      invalid++;
      LOG.warn("Skipping unreadable ledger record at {}-{}/{}: {}", r.topic(), r.partition(), r.offset(),
          e.getMessage());
      return;
    }
    List<String> ids = carried.computeIfAbsent(key, k -> new ArrayList<>());
    for (LedgerEntry e : entries) {
      live.put(e.id(), e);
      holderOf.put(e.id(), key);
      ids.add(e.id());
    }
  }

  /** Records skipped as unreadable. */
  int invalid() {
    return invalid;
  }

  /**
   * What a ledger partition holds for one producer.
   *
   * @param entries what is pending, in the order first seen
   * @param holders each live record's key and the ids it holds
   * @param members each live record's key and how many distinct ids it carried
   */
  record Result(List<LedgerEntry> entries, Map<String, List<String>> holders, Map<String, Integer> members) {
  }

  /** The replay so far. */
  Result result() {
    Map<String, List<String>> holders = new LinkedHashMap<>();
    for (String id : live.keySet()) {
      holders.computeIfAbsent(holderOf.get(id), k -> new ArrayList<>()).add(id);
    }
    Map<String, Integer> members = new HashMap<>();
    for (String key : holders.keySet()) {
      members.put(key, new HashSet<>(carried.get(key)).size());
    }
    return new Result(new ArrayList<>(live.values()), holders, members);
  }
}

package io.ackcoord.producer.ledger;

import io.ackcoord.protocol.InvalidRecordException;
import io.ackcoord.protocol.SafeText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays one producer's ledger records in offset order into what is still pending and which record holds it.
 *
 * <p>A record (a batch, or a per-message record of version 1 or 2) sets the entry of each id it carries, and becomes
 * that id's holder; a later record supersedes an earlier one. An end record ends the messages it names, whichever
 * records carry them, as does a tombstone under a message's own key (versions 1 and 2). A tombstone under a batch's
 * key drops the ids the batch still holds, and only those: a message that moved on to a newer batch stays. That is
 * the order {@link LedgerBatches} writes in, and what compaction keeps of it.
 */
final class LedgerReplay {

  private static final Logger LOG = LoggerFactory.getLogger(LedgerReplay.class);

  private final String producerId;
  private final Map<String, LedgerEntry> live = new LinkedHashMap<>();
  private final Map<String, String> holderOf = new HashMap<>();
  // Ids each live key's records carried, whether or not it still holds them.
  private final Map<String, List<String>> carried = new HashMap<>();
  private final Set<String> ends = new LinkedHashSet<>();
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
      if (LedgerCodec.isEndKey(key)) {
        ends.remove(key);
      } else if (!LedgerCodec.isBatchKey(key)) {
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
      if (LedgerCodec.isEndKey(key)) {
        for (String id : LedgerCodec.fromEnd(r)) {
          holderOf.remove(id);
          live.remove(id);
        }
        ends.add(key);
        return;
      }
      entries = LedgerCodec.isBatchKey(key) ? LedgerCodec.fromBatch(r) : List.of(LedgerCodec.fromRecord(r));
    } catch (InvalidRecordException e) {
      invalid++;
      LOG.warn("Skipping unreadable ledger record at {}-{}/{}: {}", r.topic(), r.partition(), r.offset(),
          SafeText.forLog(e.getMessage()));
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
   * @param holders each live record's key and the ids it still holds (maybe none)
   * @param members each live record's key and how many distinct ids it carried
   * @param ends    the keys of live end records
   */
  record Result(List<LedgerEntry> entries, Map<String, List<String>> holders, Map<String, Integer> members,
      List<String> ends) {
  }

  /** The replay so far. */
  Result result() {
    // Every live record, also one that holds nothing any more (its tombstone was lost): it must be taken over and
    // tombstoned, or the end records that cancel its entries could be compacted away before it.
    Map<String, List<String>> holders = new LinkedHashMap<>();
    carried.keySet().forEach(key -> holders.put(key, new ArrayList<>()));
    for (String id : live.keySet()) {
      holders.get(holderOf.get(id)).add(id);
    }
    Map<String, Integer> members = new HashMap<>();
    for (String key : holders.keySet()) {
      members.put(key, new HashSet<>(carried.get(key)).size());
    }
    return new Result(new ArrayList<>(live.values()), holders, members, new ArrayList<>(ends));
  }
}

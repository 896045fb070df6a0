package io.ackcoord.consumer.dedupe;

import io.ackcoord.consumer.kafka.KafkaClients;
import io.ackcoord.kafka.KafkaSettings;
import io.ackcoord.protocol.InvalidRecordException;
import io.ackcoord.protocol.ProcessedMarker;
import io.ackcoord.protocol.ProcessedMarker.Marked;
import io.ackcoord.protocol.SafeText;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the keys of some partitions of a topic from the beginning to their end: how B and the default handler
 * restore, at assignment, which message ids a partition has already seen. Everything blocking runs on a worker
 * thread, in one consumer per call that belongs to no group.
 *
 * <p>"The end" is the high watermark taken when the read starts. With {@code readCommitted} the reader can pass a
 * transaction only once it is committed or aborted, so a read of a partition that another B was writing to in a
 * transaction finishes only after that transaction is resolved: a restore never misses a marker that commits a
 * moment later.
 */
public final class PartitionKeys {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionKeys.class);

  /** Bound on one read; the caller retries. Longer than the transaction timeout B's producers use (30 s). */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration POLL = Duration.ofMillis(200);

  private PartitionKeys() {
  }

  /**
   * The keys of {@code partitions} of {@code topic}, per partition number, oldest first; records without a key are
   * skipped.
   *
   * @param readCommitted skip records of aborted transactions and wait for open ones
   * @param clientId      names the reader in broker logs
   */
  public static Future<Map<Integer, List<String>>> read(Vertx vertx, KafkaSettings kafka, String topic,
      Set<Integer> partitions, boolean readCommitted, String clientId) {
    Deserializer<Void> skipValues = (t, data) -> null;
    return vertx.executeBlocking(() -> readBlocking(kafka, topic, partitions, readCommitted, clientId, skipValues,
        (key, value) -> key == null ? List.of() : List.of(key)), false);
  }

  /**
   * The processed ids that the markers in {@code partitions} of a processed topic name, per partition number, oldest
   * first: both batched markers (v2 and v3, the ids in the value) and per-id markers (v1, the key). An unreadable
   * batched marker is logged and skipped, and so is every id whose MAC {@code macs} does not accept (their count is
   * logged once).
   */
  static Future<Map<Integer, List<String>>> readProcessedIds(Vertx vertx, KafkaSettings kafka, String topic,
      Set<Integer> partitions, boolean readCommitted, String clientId, MarkerMacs macs) {
    return vertx.executeBlocking(() -> {
      long[] refused = {0};
      Map<Integer, List<String>> ids = readBlocking(kafka, topic, partitions, readCommitted, clientId,
          new ByteArrayDeserializer(), (key, value) -> markedIds(key, value, macs, refused));
      if (refused[0] > 0) {
        LOG.warn("Ignored {} processed id(s) in {} partitions {} whose MAC is wrong: forged markers, or markers "
            + "written under another dedupe.marker.key; those messages are processed if they come again",
            refused[0], topic, partitions);
      }
      return ids;
    }, false);
  }

  static List<String> markedIds(String key, byte[] value, MarkerMacs macs, long[] refused) {
    List<Marked> marked;
    try {
      marked = ProcessedMarker.ids(key, value);
    } catch (InvalidRecordException e) {
      LOG.warn("Skipping an unreadable processed marker (key {}): {}", SafeText.forLog(key),
          SafeText.forLog(e.getMessage()));
      return List.of();
    }
    List<String> ids = new ArrayList<>(marked.size());
    for (Marked m : marked) {
      if (macs.counts(m)) {
        ids.add(m.id());
      } else {
        refused[0]++;
      }
    }
    return ids;
  }

  private static <V> Map<Integer, List<String>> readBlocking(KafkaSettings kafka, String topic,
      Set<Integer> partitions, boolean readCommitted, String clientId, Deserializer<V> values,
      BiFunction<String, V, List<String>> ids) throws TimeoutException {
    List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
    Map<Integer, List<String>> keys = new HashMap<>();
    partitions.forEach(p -> keys.put(p, new ArrayList<>()));
    Map<TopicPartition, Long> end;
    // The high watermark needs a read_uncommitted request: a read_committed one answers the last stable offset,
    // which stops before a transaction still open.
    try (KafkaConsumer<String, byte[]> probe = KafkaClients.readerConsumer(kafka, clientId + "-end", false,
        new ByteArrayDeserializer())) {
      end = probe.endOffsets(tps, READ_TIMEOUT);
    }
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    try (KafkaConsumer<String, V> reader = KafkaClients.readerConsumer(kafka, clientId, readCommitted, values)) {
      reader.assign(tps);
      reader.seekToBeginning(tps);
      while (!reachedEnd(reader, end)) {
        if (System.nanoTime() - deadline > 0) {
          throw new TimeoutException("reading " + topic + " partitions " + partitions + " to " + end + " took over "
              + READ_TIMEOUT);
        }
        for (ConsumerRecord<String, V> record : reader.poll(POLL)) {
          if (record.offset() < end.get(new TopicPartition(topic, record.partition()))) {
            keys.get(record.partition()).addAll(ids.apply(record.key(), record.value()));
          }
        }
      }
    }
    return keys;
  }

  private static boolean reachedEnd(KafkaConsumer<?, ?> reader, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (reader.position(e.getKey(), READ_TIMEOUT) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}

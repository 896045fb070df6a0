package io.ackcoord.consumer;

import io.ackcoord.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

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
    return vertx.executeBlocking(() -> readBlocking(kafka, topic, partitions, readCommitted, clientId), false);
  }

  private static Map<Integer, List<String>> readBlocking(KafkaSettings kafka, String topic, Set<Integer> partitions,
      boolean readCommitted, String clientId) throws TimeoutException {
    List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
    Map<Integer, List<String>> keys = new HashMap<>();
    partitions.forEach(p -> keys.put(p, new ArrayList<>()));
    Deserializer<Void> skipValues = (t, data) -> null;
    Map<TopicPartition, Long> end;
    // The high watermark needs a read_uncommitted request: a read_committed one answers the last stable offset,
    // which stops before a transaction still open.
    try (KafkaConsumer<String, byte[]> probe = KafkaClients.readerConsumer(kafka, clientId + "-end", false,
        new ByteArrayDeserializer())) {
      end = probe.endOffsets(tps, READ_TIMEOUT);
    }
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    try (KafkaConsumer<String, Void> reader = KafkaClients.readerConsumer(kafka, clientId, readCommitted,
        skipValues)) {
      reader.assign(tps);
      reader.seekToBeginning(tps);
      while (!reachedEnd(reader, end)) {
        if (System.nanoTime() - deadline > 0) {
          throw new TimeoutException("reading " + topic + " partitions " + partitions + " to " + end + " took over "
              + READ_TIMEOUT);
        }
        for (ConsumerRecord<String, Void> record : reader.poll(POLL)) {
          if (record.key() != null && record.offset() < end.get(new TopicPartition(topic, record.partition()))) {
            keys.get(record.partition()).add(record.key());
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

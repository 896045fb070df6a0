package io.ackcoord.consumer.dedupe;

import io.ackcoord.consumer.DedupeStore;
import io.ackcoord.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable {@link DedupeStore}: ids live in memory ({@link ProcessedIds}) and are restored, when a topic-1
 * partition is assigned, from the partition with the same index of the compacted {@code <prefix>processed} topic,
 * where B writes markers: batched ones naming many ids, and (before batching) one per id, keyed by it.
 *
 * <p>Guarantee: once a marker is durable, every B that owns the partition later knows the id, however B died in
 * between (kill -9 included), as long as the marker is retained ({@code topic.processed.retention.ms}) and among the
 * last {@code dedupe.capacity} ids in memory. In exactly-once mode the restore reads {@code read_committed}, so a
 * marker of an aborted transaction does not count. Event-loop confined.
 */
public final class ProcessedTopicStore implements DedupeStore {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessedTopicStore.class);

  private final Vertx vertx;
  private final KafkaSettings kafka;
  private final boolean readCommitted;
  private final String clientId;
  private final ProcessedIds ids;
  private final MarkerMacs macs;

  /**
   * @param readCommitted whether markers are written in transactions (exactly-once mode)
   * @param capacity      ids kept in memory at most
   * @param macs          which restored ids count: those whose MAC is right, or all without a key
   */
  public ProcessedTopicStore(Vertx vertx, KafkaSettings kafka, boolean readCommitted, String clientId,
      int capacity, MarkerMacs macs) {
    this.vertx = vertx;
    this.macs = macs;
    this.kafka = kafka;
    this.readCommitted = readCommitted;
    this.clientId = clientId;
    this.ids = new ProcessedIds(capacity);
  }

  @Override
  public Future<Void> restore(Set<TopicPartition> partitions) {
    Set<Integer> numbers = partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
    String topic = kafka.topics().processed();
    long start = System.nanoTime();
    return PartitionKeys.readProcessedIds(vertx, kafka, topic, numbers, readCommitted, clientId, macs)
        .map(keys -> {
      int restored = 0;
      for (TopicPartition tp : partitions) {
        List<String> partitionKeys = keys.getOrDefault(tp.partition(), List.of());
        partitionKeys.forEach(id -> ids.add(tp, id));
        restored += partitionKeys.size();
      }
      LOG.info("Restored {} processed ids of {} from {} in {} ms", restored, partitions, topic,
          (System.nanoTime() - start) / 1_000_000);
      return null;
    });
  }

  @Override
  public void forget(Set<TopicPartition> partitions) {
    ids.forget(partitions);
  }

  @Override
  public boolean contains(String id) {
    return ids.contains(id);
  }

  @Override
  public void add(TopicPartition partition, String id) {
    ids.add(partition, id);
  }

  /**
   * The ids in memory, for B's pipeline to hand the fingerprint it computed once per message
   * ({@link ProcessedIds#contains(long, long)}); {@link #contains} and {@link #add} do nothing but delegate to them.
   */
  public ProcessedIds ids() {
    return ids;
  }

  /** Ids in memory now. */
  int size() {
    return ids.size();
  }

  /** For logs: which topic backs the store. */
  @Override
  public String toString() {
    return "ProcessedTopicStore(" + kafka.topics().processed() + ", " + (readCommitted ? "read_committed" : "all")
        + ", capacity " + ids.capacity() + ")";
  }
}

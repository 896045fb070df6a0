package io.ackcoord.consumer;

import io.ackcoord.consumer.dedupe.PartitionKeys;
import io.ackcoord.consumer.dedupe.ProcessedIds;
import io.ackcoord.kafka.KafkaSettings;
import io.ackcoord.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * What a handler gets at {@link MessageHandler#init}: the Vert.x instance to create clients and timers with, its own
 * configuration ({@code handler.config}), the Kafka settings (for handlers that write to Kafka) and who this B is;
 * and two of B's own tools for a handler that keeps itself idempotent: a memory of ids ({@link #newIdStore()}) and
 * a restore of the keys a topic's partitions hold ({@link #readKeys}).
 *
 * @param vertx      the instance B runs on
 * @param config     {@code handler.config}, a copy the handler may keep
 * @param kafka      cluster, topics and client properties
 * @param consumerId this B's instance id, as written into replies
 * @param options    all of B's options, for anything else
 * @param clock      the clock B uses; handlers that stamp times should use it too
 * @param topicPartitions partition count of each of ackcoord's topics, as found at start-up
 */
public record HandlerSetup(
    Vertx vertx,
    JsonObject config,
    KafkaSettings kafka,
    String consumerId,
    ConsumerOptions options,
    Clock clock,
    Map<String, Integer> topicPartitions) {

  public HandlerSetup {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(consumerId, "consumerId");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(clock, "clock");
    config = config == null ? new JsonObject() : config.copy();
    topicPartitions = topicPartitions == null ? Map.of() : Map.copyOf(topicPartitions);
  }

  /**
   * A new in-memory store of the most recently used {@code dedupe.capacity} ids, each with the partition it came
   * from, least recently used evicted first: the kind B keeps its own dedupe record in. Nothing is durable:
   * {@link DedupeStore#restore} loads nothing, so fill it from {@link MessageHandler#onPartitionsAssigned} (for
   * example with {@link #readKeys}). Its {@link DedupeStore#contains(IncomingMessage)} and
   * {@link DedupeStore#add(TopicPartition, IncomingMessage)} reuse the hash B computed for the message. Not
   * thread-safe: use it from B's event loop.
   */
  public DedupeStore newIdStore() {
    return new ProcessedIds(options.dedupeCapacity());
  }

  /**
   * Reads the keys of {@code partitions} of {@code topic} from the beginning to the end they have when the read
   * starts (the high watermark), off the event loop, in a consumer of its own outside any group. Records without a
   * key are skipped.
   *
   * @param readCommitted skip records of aborted transactions and wait for open ones to be resolved
   * @param clientId      names the reader in the broker's logs; make it unique per B, e.g. with {@link #consumerId}
   * @return the keys per partition number, oldest first; fails after 90 s (retry it, as B retries a failed
   *     {@code onPartitionsAssigned})
   */
  public Future<Map<Integer, List<String>>> readKeys(String topic, Set<Integer> partitions, boolean readCommitted,
      String clientId) {
    return PartitionKeys.read(vertx, kafka, topic, partitions, readCommitted, clientId);
  }
}

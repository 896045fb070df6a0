package io.ackcoord.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.admin.TopicDescription;
import io.vertx.kafka.client.common.ConfigResource;
import io.vertx.kafka.client.common.TopicPartition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a deployment's topics exist before a verticle uses them, and reports their partition counts (A needs
 * the count of topic 2 to pick the partition its replies go to).
 *
 * <p>A and B may start at the same moment and race to create the same topics; "already exists" is success.
 */
public final class TopicAdmin {

  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
  private static final long READY_TIMEOUT_MS = 30_000;
  private static final long READY_POLL_MS = 100;

  /** The topic config (Kafka 3.6+, KIP-937) by which a broker refuses records stamped too long before they arrive. */
  public static final String MAX_TIMESTAMP_AGE = "message.timestamp.before.max.ms";
  /**
   * {@value #MAX_TIMESTAMP_AGE} of the results topic when created here: how late an effect may arrive after B's
   * ownership check. Half of B's default 10 s session, so B's default lease (session minus this) stays 5 s.
   */
  public static final long EFFECT_FENCE_MS = 5_000;

  private TopicAdmin() {
  }

  /**
   * Creates the missing topics of {@code settings} (when {@code topic.create} is on), describes them, and waits
   * until every partition has a leader that accepts writes.
   *
   * @return partition count per topic name; fails if a topic is missing and may not be created
   */
  public static Future<Map<String, Integer>> ensureTopics(Vertx vertx, KafkaSettings settings) {
    List<String> names = settings.topics().all();
    return withAdmin(vertx, settings, admin -> admin.listTopics()
        .compose(existing -> {
          List<String> missing = names.stream().filter(n -> !existing.contains(n)).toList();
          return create(admin, settings, missing)
              .compose(v -> describe(vertx, admin, names, READY_TIMEOUT_MS))
              .compose(descriptions -> awaitWritable(vertx, admin, descriptions, names, READY_TIMEOUT_MS)
                  .map(descriptions));
        })
        .map(TopicAdmin::partitionCounts));
  }

  /**
   * The {@value #MAX_TIMESTAMP_AGE} of {@code topic}: how old a record's timestamp may be when the broker appends it.
   * {@link Long#MAX_VALUE} (Kafka's default) means no limit.
   */
  public static Future<Long> maxTimestampAge(Vertx vertx, KafkaSettings settings, String topic) {
    return topicConfig(vertx, settings, topic).map(config -> {
      String age = config.get(MAX_TIMESTAMP_AGE);
      return age == null ? Long.MAX_VALUE : Long.parseLong(age.trim());
    });
  }

  /** The effective configuration of {@code topic} (defaults included), entries without a value left out. */
  public static Future<Map<String, String>> topicConfig(Vertx vertx, KafkaSettings settings, String topic) {
    ConfigResource resource = new ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
    return withAdmin(vertx, settings, admin -> admin.describeConfigs(List.of(resource))
        .map(configs -> {
          Map<String, String> out = new HashMap<>();
          configs.values().forEach(config -> config.getEntries().stream()
              .filter(e -> e.getValue() != null)
              .forEach(e -> out.put(e.getName(), e.getValue())));
          return out;
        }));
  }

  private static <T> Future<T> withAdmin(Vertx vertx, KafkaSettings settings,
      Function<KafkaAdminClient, Future<T>> use) {
    return KafkaClientFactory.admin(vertx, ClientConfig.admin(settings, "ackcoord-topic-admin"))
        .compose(admin -> use.apply(admin).eventually(() -> admin.close()));
  }

  // Metadata of a topic created a moment ago can lag on the broker that answers: "unknown topic" then only means
  // "not yet".
  private static Future<Map<String, TopicDescription>> describe(Vertx vertx, KafkaAdminClient admin,
      List<String> names, long remainingMs) {
    return admin.describeTopics(names).recover(err -> {
      if (!isUnknownTopic(err) || remainingMs <= 0) {
        return Future.failedFuture(err);
      }
      Promise<Map<String, TopicDescription>> retry = Promise.promise();
      vertx.setTimer(READY_POLL_MS, id ->
          describe(vertx, admin, names, remainingMs - READY_POLL_MS).onComplete(retry));
      return retry.future();
    });
  }

  private static boolean isUnknownTopic(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof UnknownTopicOrPartitionException) {
        return true;
      }
    }
    return false;
  }

  // Kafka before 4.5 (KAFKA-15591) can lose the first batch an idempotent producer writes to a partition created a
  // moment ago: that request fails with NOT_LEADER_OR_FOLLOWER, a later one lands first, and every retry of the
  // first is then refused as out of order until it expires. So topics are only handed over once every partition
  // answers ListOffsets, which the broker serves only for partitions it leads. Checked even for topics that
  // already existed: the other verticle may have created them a moment ago. Still needed with the 4.4.0 broker: it
  // accepts any first sequence from an idempotent producer it has no state for (only transactions-v2 producers
  // must start at 0, KAFKA-18202; local-kafka's FirstSequenceTest checks both), and older brokers in the field
  // keep the defect after 4.5 anyway.
  private static Future<Void> awaitWritable(Vertx vertx, KafkaAdminClient admin,
      Map<String, TopicDescription> descriptions, List<String> created, long remainingMs) {
    Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
    for (String name : created) {
      descriptions.get(name).getPartitions().forEach(p ->
          partitions.put(new TopicPartition(name, p.getPartition()), OffsetSpec.LATEST));
    }
    return admin.listOffsets(partitions).<Void>mapEmpty().recover(err -> {
      if (remainingMs <= 0) {
        return Future.failedFuture(new IllegalStateException("topics " + created + " created but not writable after "
            + READY_TIMEOUT_MS + " ms: " + err.getMessage(), err));
      }
      Promise<Void> retry = Promise.promise();
      vertx.setTimer(READY_POLL_MS, id ->
          awaitWritable(vertx, admin, descriptions, created, remainingMs - READY_POLL_MS).onComplete(retry));
      return retry.future();
    });
  }

  private static Future<Void> create(KafkaAdminClient admin, KafkaSettings settings, List<String> names) {
    List<NewTopic> missing = names.stream()
        .map(n -> new NewTopic(n, partitionsOf(n, settings), settings.replicationFactor())
            .setConfig(configOf(n, settings)))
        .toList();
    if (missing.isEmpty()) {
      return Future.succeededFuture();
    }
    if (!settings.createTopics()) {
      return Future.failedFuture(new IllegalStateException("topics missing and topic.create is false: "
          + missing.stream().map(NewTopic::getName).toList()));
    }
    LOG.info("Creating topics {} with {} partitions, replication factor {}",
        missing.stream().map(NewTopic::getName).toList(), settings.partitions(), settings.replicationFactor());
    return admin.createTopics(missing).recover(err -> isTopicExists(err)
        ? Future.succeededFuture()
        : Future.failedFuture(err));
  }

  /** Partitions to create {@code topic} with: the configured count, except one for the stats stream. */
  static int partitionsOf(String topic, KafkaSettings settings) {
    return topic.equals(settings.topics().stats()) ? 1 : settings.partitions();
  }

  /**
   * Topic-level settings a topic is created with. The processed-ids topic is time-limited, so the set B restores
   * stays bounded, and compacted: a batched marker has a key of its own, so compaction only folds a marker record
   * re-sent after a failed try (and, for per-id markers written before batching, repeats of an id). The results topic
   * refuses records stamped more than {@link #EFFECT_FENCE_MS} before they arrive: B stamps each effect with the
   * moment it last confirmed it owns the partition, so a write of a B that was paused past its lease is refused.
   */
  static Map<String, String> configOf(String topic, KafkaSettings settings) {
    TopicNames names = settings.topics();
    if (topic.equals(names.ledger())) {
      // A's pending set: the latest entry per message, kept until its tombstone, however long that takes.
      return Map.of("cleanup.policy", "compact");
    }
    if (topic.equals(names.stats())) {
      // Latest report per B, old ones gone within the hour; records are ~0.5 KB, one per B per second.
      return Map.of("cleanup.policy", "compact,delete", "retention.ms", "3600000", "segment.ms", "600000");
    }
    if (topic.equals(names.processed())) {
      return Map.of(
          "cleanup.policy", "compact,delete",
          "retention.ms", Long.toString(settings.processedRetentionMillis()));
    }
    if (topic.equals(names.results())) {
      return Map.of(MAX_TIMESTAMP_AGE, Long.toString(EFFECT_FENCE_MS));
    }
    return Map.of();
  }

  private static boolean isTopicExists(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof TopicExistsException) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, Integer> partitionCounts(Map<String, TopicDescription> descriptions) {
    Map<String, Integer> counts = new HashMap<>();
    descriptions.forEach((name, d) -> counts.put(name, d.getPartitions().size()));
    return counts;
  }
}

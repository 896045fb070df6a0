package io.ackcoord.consumer;

import io.ackcoord.kafka.KafkaClientFactory;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place B's Kafka clients are configured and created. Constructing a client resolves the bootstrap
 * addresses, which can block on DNS, so the client is built on a worker thread; a producer stream is wrapped back on
 * the caller's context (the stream binds its callbacks to the context it is created on). Clients that are used
 * unwrapped have one door each: {@link ConsumerLoop}, {@link TransactionalProducer}, {@link PartitionKeys}.
 *
 * <p>Settings the delivery guarantee depends on are applied after the user's properties, with a warning when a
 * user property tried to change them.
 */
final class KafkaClients {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaClients.class);
  private static final String DEFAULT_SESSION_TIMEOUT_MS = "10000";

  private KafkaClients() {
  }

  /**
   * An idempotent producer that waits for all in-sync replicas: a confirmed send is durable and not doubled. Its
   * futures complete on the caller's context.
   */
  static Future<KafkaSender> idempotentProducer(Vertx vertx, KafkaSettings kafka, String clientId) {
    Map<String, String> defaults = Map.of(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    Map<String, String> config = enforce(kafka.producerConfig(defaults), Map.of(
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"));
    return KafkaClientFactory.sender(vertx, config, clientId);
  }

  /**
   * A producer for exactly-once mode: idempotent, {@code acks=all}, with a {@code transactional.id}; not yet
   * initialised. Blocks (DNS): call it on {@link TransactionalProducer}'s thread, its only door.
   */
  static KafkaProducer<String, byte[]> newTransactionalProducer(KafkaSettings kafka, String clientId,
      String transactionalId) {
    Map<String, String> defaults = new HashMap<>();
    defaults.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    // A B that died mid-transaction blocks its partitions' read_committed readers until the transaction is
    // aborted: by the same B coming back (same transactional.id), or after this timeout. Kafka's default is 60 s.
    defaults.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "30000");
    // How long commitTransaction may block before B retries it; Kafka's default is 60 s.
    defaults.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    Map<String, String> config = enforce(kafka.producerConfig(defaults), Map.of(
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId));
    return new KafkaProducer<>(asObjects(config), new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * The group consumer of topic 1: never commits on its own, skips aborted transactions, and is returned unwrapped
   * for {@link ConsumerLoop}, its only door.
   *
   * @param maxPollRecords  default for {@code max.poll.records}, so one poll does not overshoot the in-flight limit
   *                        by much
   * @param groupInstanceId the static member name, or {@code null} for a dynamic member
   */
  static Future<KafkaConsumer<String, byte[]>> groupConsumer(Vertx vertx, KafkaSettings kafka, String groupId,
      String clientId, int maxPollRecords, String groupInstanceId) {
    Map<String, String> config = groupConsumerConfig(kafka, groupId, clientId, maxPollRecords, groupInstanceId);
    return vertx.executeBlocking(
        () -> new KafkaConsumer<>(asObjects(config), new StringDeserializer(), new ByteArrayDeserializer()), false);
  }

  /** The session timeout B's group consumer runs with: the user's {@code session.timeout.ms} or ackcoord's. */
  static long sessionTimeoutMillis(KafkaSettings kafka) {
    String value = kafka.consumerConfig(Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, DEFAULT_SESSION_TIMEOUT_MS))
        .get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("session.timeout.ms is not a number: " + value, e);
    }
  }

  /**
   * A consumer outside any group, for reading partitions by {@code assign} (restores). Created on the caller's
   * thread: only call it off the event loop.
   */
  static <V> KafkaConsumer<String, V> readerConsumer(KafkaSettings kafka, String clientId, boolean readCommitted,
      Deserializer<V> values) {
    Map<String, String> defaults = new HashMap<>();
    defaults.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    defaults.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
    Map<String, String> config = enforce(kafka.consumerConfig(defaults), Map.of(
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
    // A reader has no group: drop group settings a user may have set for B's group consumer.
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    return new KafkaConsumer<>(asObjects(config), new StringDeserializer(), values);
  }

  private static Map<String, String> groupConsumerConfig(KafkaSettings kafka, String groupId, String clientId,
      int maxPollRecords, String groupInstanceId) {
    Map<String, String> defaults = new HashMap<>();
    defaults.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    defaults.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    defaults.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    defaults.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
    // Cooperative rebalancing revokes only the partitions that move, so the others keep their in-flight work.
    defaults.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
    // A crashed B holds its partitions until its session expires: 10 s (Kafka's default is 45 s) bounds how long
    // its messages wait before another B, or the restarted one, takes over.
    defaults.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, DEFAULT_SESSION_TIMEOUT_MS);
    defaults.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
    if (groupInstanceId != null) {
      defaults.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupInstanceId);
    }
    return enforce(kafka.consumerConfig(defaults), Map.of(
        ConsumerConfig.GROUP_ID_CONFIG, groupId,
        // Offsets are committed only after the reply is confirmed; an auto-commit would lose messages.
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"));
  }

  private static Map<String, String> enforce(Map<String, String> config, Map<String, String> required) {
    Map<String, String> out = new HashMap<>(config);
    required.forEach((key, value) -> {
      String previous = out.put(key, value);
      if (previous != null && !previous.equals(value)) {
        LOG.warn("Ignoring Kafka property {}={}: consumer B needs {}={} for its delivery guarantee", key, previous,
            key, value);
      }
    });
    return out;
  }

  private static Map<String, Object> asObjects(Map<String, String> config) {
    return new HashMap<>(config);
  }
}

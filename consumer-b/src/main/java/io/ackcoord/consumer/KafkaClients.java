package io.ackcoord.consumer;

import io.ackcoord.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one door through which B creates Kafka clients. Constructing a client resolves the bootstrap addresses, which
 * can block on DNS, so the client is built on a worker thread and wrapped in its Vert.x stream back on the caller's
 * context (the stream binds its callbacks to the context it is created on).
 *
 * <p>Settings the delivery guarantee depends on are applied after the user's properties, with a warning when a
 * user property tried to change them.
 */
final class KafkaClients {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaClients.class);

  private KafkaClients() {
  }

  /** An idempotent producer that waits for all in-sync replicas: a confirmed send is durable and not doubled. */
  static Future<KafkaWriteStream<String, byte[]>> idempotentProducer(Vertx vertx, KafkaSettings kafka,
      String clientId) {
    Map<String, String> defaults = Map.of(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    Map<String, String> config = enforce(kafka.producerConfig(defaults), Map.of(
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"));
    return vertx.executeBlocking(
            () -> new KafkaProducer<>(asObjects(config), new StringSerializer(), new ByteArraySerializer()), false)
        .map(producer -> {
          KafkaWriteStream<String, byte[]> stream = KafkaWriteStream.create(vertx, producer);
          // Every send's own Future reports its failure; without a handler Vert.x would log each one again.
          stream.exceptionHandler(err -> LOG.debug("Producer {}: {}", clientId, err.toString()));
          return stream;
        });
  }

  /**
   * A consumer of topic 1 that never commits on its own and skips aborted transactions.
   *
   * @param maxPollRecords  default for {@code max.poll.records}, so one poll does not overshoot the in-flight limit
   *                        by much
   * @param groupInstanceId the static member name, or {@code null} for a dynamic member
   */
  static Future<KafkaReadStream<String, byte[]>> manualCommitConsumer(Vertx vertx, KafkaSettings kafka,
      String groupId, String clientId, int maxPollRecords, String groupInstanceId) {
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
    defaults.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    defaults.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
    if (groupInstanceId != null) {
      defaults.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupInstanceId);
    }
    Map<String, String> config = enforce(kafka.consumerConfig(defaults), Map.of(
        ConsumerConfig.GROUP_ID_CONFIG, groupId,
        // Offsets are committed only after the reply is confirmed (step 5); an auto-commit would lose messages.
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"));
    return vertx.executeBlocking(
            () -> new KafkaConsumer<>(asObjects(config), new StringDeserializer(), new ByteArrayDeserializer()), false)
        .map(consumer -> KafkaReadStream.create(vertx, consumer));
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

package io.ackcoord.consumer.kafka;

import io.ackcoord.consumer.GroupProtocol;
import io.ackcoord.kafka.ClientConfig;
import io.ackcoord.kafka.KafkaClientFactory;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The one place B's Kafka clients are created; each is configured through {@link ClientConfig}, so what B's
 * guarantees depend on is set after the user's properties, with a WARN per override. Constructing a client resolves
 * the bootstrap addresses, which can block on DNS, so the client is built on a worker thread; a producer stream is
 * wrapped back on the caller's context (the stream binds its callbacks to the context it is created on). Clients
 * that are used unwrapped have one door each: {@code ConsumerLoop}, {@code TransactionalProducer},
 * {@code PartitionKeys}.
 */
public final class KafkaClients {

  private static final String DEFAULT_SESSION_TIMEOUT_MS = "10000";
  private static final String DEFAULT_HEARTBEAT_INTERVAL_MS = "3000";
  /** Why the consumer protocol's client gets no session or assignment settings. */
  private static final String BROKER_SIDE = "under group.protocol=consumer the broker assigns and holds the session "
      + "(the group's consumer.session.timeout.ms and consumer.heartbeat.interval.ms, which B sets from "
      + "session.timeout.ms and heartbeat.interval.ms); the client refuses these keys";

  private KafkaClients() {
  }

  /**
   * An idempotent producer that waits for all in-sync replicas: a confirmed send is durable and not doubled. Its
   * futures complete on the caller's context.
   */
  public static Future<KafkaSender> idempotentProducer(Vertx vertx, KafkaSettings kafka, String clientId) {
    return KafkaClientFactory.sender(vertx, ClientConfig.producer(kafka, clientId).durable(), clientId);
  }

  /**
   * A producer for exactly-once mode: idempotent, {@code acks=all}, with a {@code transactional.id}; not yet
   * initialised. Blocks (DNS): call it on {@code TransactionalProducer}'s thread, its only door.
   */
  public static KafkaProducer<String, byte[]> newTransactionalProducer(KafkaSettings kafka, String clientId,
      String transactionalId) {
    ClientConfig config = ClientConfig.producer(kafka, clientId)
        // A B that died mid-transaction blocks its partitions' read_committed readers until the transaction is
        // aborted: by the same B coming back (same transactional.id), or after this timeout. Kafka's default is 60 s.
        .defaults(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "30000")
        // How long commitTransaction may block before B retries it; Kafka's default is 60 s.
        .defaults(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000")
        .durable()
        .require(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
            "one stable id per B instance fences its zombies and aborts what its predecessor left open");
    return KafkaClientFactory.newProducer(config);
  }

  /**
   * The producer of B's stats reports (telemetry): short timeouts and no idempotence, so a report that cannot be
   * delivered is dropped within seconds and neither it nor closing the producer can hold up B's shutdown when the
   * broker has gone away. Latest value wins, so there are no retries worth waiting for and nothing to deduplicate.
   */
  public static Future<KafkaWriteStream<String, byte[]>> statsProducer(Vertx vertx, KafkaSettings kafka,
      String clientId) {
    String why = "a stats report is dropped rather than retried, so it never holds up B or its shutdown";
    ClientConfig config = ClientConfig.producer(kafka, clientId)
        .defaults(ProducerConfig.LINGER_MS_CONFIG, "0")
        .require(ProducerConfig.ACKS_CONFIG, "1", why)
        .require(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false", why)
        .require(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000", why)
        .require(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000", why)
        .require(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "3000", why);
    return KafkaClientFactory.producer(vertx, config);
  }

  /**
   * The group consumer of topic 1: never commits on its own, skips aborted transactions, and is returned unwrapped
   * for {@code ConsumerLoop}, its only door.
   *
   * @param maxPollRecords  default for {@code max.poll.records}, so one poll does not overshoot the in-flight limit
   *                        by much
   * @param groupInstanceId the static member name, or {@code null} for a dynamic member
   * @param protocol        the consumer group protocol
   */
  public static Future<KafkaConsumer<String, byte[]>> groupConsumer(Vertx vertx, KafkaSettings kafka, String groupId,
      String clientId, int maxPollRecords, String groupInstanceId, GroupProtocol protocol) {
    return KafkaClientFactory.plainConsumer(vertx,
        groupConsumerConfig(kafka, groupId, clientId, maxPollRecords, groupInstanceId, protocol));
  }

  /**
   * Under the classic protocol, the session timeout and heartbeat interval B's group consumer runs with: the user's
   * {@code session.timeout.ms} and {@code heartbeat.interval.ms} or ackcoord's defaults.
   */
  static Map<String, String> classicSessionConfig(KafkaSettings kafka) {
    return ClientConfig.consumer(kafka, "ackcoord-b")
        .defaults(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, DEFAULT_SESSION_TIMEOUT_MS)
        .defaults(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, DEFAULT_HEARTBEAT_INTERVAL_MS).strings();
  }

  /**
   * A consumer outside any group, for reading partitions by {@code assign} (restores). Created on the caller's
   * thread: only call it off the event loop.
   *
   * @param readCommitted skip aborted transactions and wait for open ones; otherwise read up to the high watermark
   */
  public static <V> KafkaConsumer<String, V> readerConsumer(KafkaSettings kafka, String clientId, boolean readCommitted,
      Deserializer<V> values) {
    ClientConfig config = ClientConfig.consumer(kafka, clientId)
        .defaults(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000")
        .manualCommits()
        .require(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", "a restore reads a partition from its start")
        .noGroup();
    config = readCommitted ? config.readCommitted()
        : config.require(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
            "this reader's end is the high watermark, which a read_committed reader may never reach");
    return KafkaClientFactory.newConsumer(config, values);
  }

  /**
   * The share-group consumer of topic 1 ({@code consumer.mode = share}): explicit acknowledgements, since B accepts a
   * record only once its reply is durable. Settings of consumer groups that a share consumer refuses are dropped,
   * so one {@code kafka.consumer.properties} serves both modes. Returned unwrapped for {@code ShareLoop}, its only
   * door; built on the calling thread (blocks: never on the event loop).
   */
  public static KafkaShareConsumer<String, byte[]> newShareConsumer(KafkaSettings kafka, String groupId,
      String clientId, int maxPollRecords) {
    String groupOnly = "a share consumer does not take it (share groups are configured on the group, see "
        + "docs/share-groups.md)";
    ClientConfig config = ClientConfig.consumer(kafka, clientId)
        .defaults(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords))
        .require(ConsumerConfig.GROUP_ID_CONFIG, groupId, "B's instances share topic 1 as the group "
            + "consumer.group.id names")
        .require(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit",
            "B accepts a record only once its reply is durable; implicit acknowledgement would accept it at the "
                + "next poll");
    for (String key : List.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        ConsumerConfig.GROUP_PROTOCOL_CONFIG, ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG,
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG)) {
      config = config.forbid(key, groupOnly);
    }
    return KafkaClientFactory.newShareConsumer(config);
  }

  /** The group consumer's config; package-private for its test. */
  static ClientConfig groupConsumerConfig(KafkaSettings kafka, String groupId, String clientId,
      int maxPollRecords, String groupInstanceId, GroupProtocol protocol) {
    ClientConfig config = ClientConfig.consumer(kafka, clientId)
        .defaults(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
        .defaults(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords))
        // Cooperative rebalancing revokes only the partitions that move, so the others keep their in-flight work.
        .defaults(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor")
        // A crashed B holds its partitions until its session expires: 10 s (Kafka's default is 45 s) bounds how long
        // its messages wait before another B, or the restarted one, takes over.
        .defaults(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, DEFAULT_SESSION_TIMEOUT_MS)
        .defaults(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, DEFAULT_HEARTBEAT_INTERVAL_MS)
        .require(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol.configValue(), "B's lease is computed for the "
            + "protocol group.protocol names");
    if (protocol == GroupProtocol.CONSUMER) {
      config = config.forbid(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, BROKER_SIDE)
          .forbid(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, BROKER_SIDE)
          .forbid(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, BROKER_SIDE);
    }
    if (groupInstanceId != null) {
      config = config.defaults(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupInstanceId);
    }
    return config
        .require(ConsumerConfig.GROUP_ID_CONFIG, groupId, "B's instances share topic 1 as the group "
            + "consumer.group.id names")
        // Offsets are committed only after the reply is confirmed; an auto-commit would lose messages.
        .manualCommits()
        .readCommitted();
  }
}

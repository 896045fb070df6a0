package io.ackcoord.kafka;

import io.ackcoord.config.Config;
import io.ackcoord.config.ConfigDef;
import io.ackcoord.config.ConfigDef.Type;
import io.vertx.core.json.JsonObject;

/**
 * The Kafka part of a verticle's configuration, common to A and B: where the cluster is, how the topics are named
 * and created, and client properties passed through verbatim (SASL, TLS, tuning). Clients are configured from it
 * only through {@link ClientConfig}, which adds what the guarantees depend on.
 *
 * @param bootstrapServers   {@code kafka.bootstrap.servers}
 * @param topics             names derived from {@code topic.prefix}
 * @param partitions         partitions of topics created at start-up
 * @param replicationFactor  replication factor of topics created at start-up
 * @param createTopics       whether to create missing topics at start-up
 * @param processedRetentionMillis retention of {@code <prefix>processed} when it is created here; -1 keeps ids
 *                           forever (compaction still keeps one record per id)
 * @param clientProperties   applied to every Kafka client (security settings belong here)
 * @param producerProperties applied to producers, over {@code clientProperties}
 * @param consumerProperties applied to consumers, over {@code clientProperties}
 */
public record KafkaSettings(
    String bootstrapServers,
    TopicNames topics,
    int partitions,
    short replicationFactor,
    boolean createTopics,
    long processedRetentionMillis,
    JsonObject clientProperties,
    JsonObject producerProperties,
    JsonObject consumerProperties) {

  public static final String BOOTSTRAP = "kafka.bootstrap.servers";
  public static final String TOPIC_PREFIX = "topic.prefix";
  public static final String TOPIC_PARTITIONS = "topic.partitions";
  public static final String TOPIC_REPLICATION = "topic.replication.factor";
  public static final String TOPIC_CREATE = "topic.create";
  public static final String PROCESSED_RETENTION = "topic.processed.retention.ms";
  /** A week: far longer than A re-sends a message, short enough that B restores a bounded set of ids. */
  public static final long DEFAULT_PROCESSED_RETENTION_MS = 7L * 24 * 3600 * 1000;
  public static final String CLIENT_PROPS = "kafka.properties";
  public static final String PRODUCER_PROPS = "kafka.producer.properties";
  public static final String CONSUMER_PROPS = "kafka.consumer.properties";

  /** Declares the Kafka keys on a component's definition. */
  public static ConfigDef define(ConfigDef def) {
    return def
        .define(BOOTSTRAP, Type.STRING, "127.0.0.1:9092", ConfigDef.hostPorts(),
            "Kafka bootstrap servers, host:port[,host:port…].")
        .define(TOPIC_PREFIX, Type.STRING, "ackcoord.",
            ConfigDef.matches("[a-zA-Z0-9._-]{0,200}", "at most 200 of a-z A-Z 0-9 . _ -"),
            "Prefix of every topic: <prefix>messages (topic 1), <prefix>acks (topic 2), <prefix>results, "
                + "<prefix>processed, <prefix>dead-letters, <prefix>poison, <prefix>ledger, <prefix>stats.")
        .define(TOPIC_PARTITIONS, Type.INT, 3, ConfigDef.between(1, 10_000),
            "Partitions of topics created at start-up.")
        .define(TOPIC_REPLICATION, Type.INT, 1, ConfigDef.between(-1, 32),
            "Replication factor of topics created at start-up; -1 takes the broker's default. Use 3 in production.")
        .define(TOPIC_CREATE, Type.BOOLEAN, true, "Create missing topics at start-up.")
        .define(PROCESSED_RETENTION, Type.LONG, DEFAULT_PROCESSED_RETENTION_MS,
            v -> (Long) v == -1 || (Long) v >= 60_000 ? null : "must be -1 (forever) or at least 60000",
            "Retention of <prefix>processed (markers naming the processed ids, many per record) when created at "
                + "start-up, in "
                + "ms; -1 keeps every id. B answers a re-send without processing it again only while its id is "
                + "retained: keep this well above A's longest retry horizon.")
        .define(CLIENT_PROPS, Type.OBJECT, new JsonObject(),
            "Kafka client properties for every client, e.g. security.protocol, sasl.*, ssl.*.")
        .define(PRODUCER_PROPS, Type.OBJECT, new JsonObject(),
            "Kafka producer properties, over kafka.properties (e.g. linger.ms, compression.type).")
        .define(CONSUMER_PROPS, Type.OBJECT, new JsonObject(),
            "Kafka consumer properties, over kafka.properties (e.g. max.poll.records, session.timeout.ms).");
  }

  /** Reads the Kafka keys from validated configuration. */
  public static KafkaSettings from(Config c) {
    return new KafkaSettings(
        c.getString(BOOTSTRAP),
        new TopicNames(c.getString(TOPIC_PREFIX)),
        c.getInt(TOPIC_PARTITIONS),
        (short) c.getInt(TOPIC_REPLICATION),
        c.getBoolean(TOPIC_CREATE),
        c.getLong(PROCESSED_RETENTION),
        c.getObject(CLIENT_PROPS),
        c.getObject(PRODUCER_PROPS),
        c.getObject(CONSUMER_PROPS));
  }
}

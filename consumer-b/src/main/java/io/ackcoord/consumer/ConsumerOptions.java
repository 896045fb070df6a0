package io.ackcoord.consumer;

import io.ackcoord.config.Config;
import io.ackcoord.config.ConfigDef.Type;
import io.ackcoord.config.ConfigDef;
import io.ackcoord.config.ConfigException;
import io.ackcoord.config.ConfigLoader;
import io.ackcoord.config.HttpSettings;
import io.ackcoord.config.Secret;
import io.ackcoord.consumer.dedupe.ProcessedIds;
import io.ackcoord.consumer.pipeline.HandlerLoader;
import io.ackcoord.kafka.KafkaSettings;
import io.ackcoord.tracing.TracingSettings;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Everything consumer B is configured with, read once at start-up. {@link #definition()} declares every key (type,
 * default, rule, doc) and {@link #from(Config)} builds the record from validated values; a bad value fails the
 * deployment with a {@link io.ackcoord.config.ConfigException} naming the key and the value.
 *
 * <p>B reads its configuration only at start; {@code config.scan.period.ms} is declared so that a config file
 * shared with A validates here too.
 *
 * @param kafka               cluster, topic names and client properties
 * @param http                status server address; {@code port -1} turns it off
 * @param scanPeriodMillis    {@code config.scan.period.ms}
 * @param groupId             {@code consumer.group.id}: the Kafka consumer group of every B
 * @param instanceId          {@code consumer.instance.id}, or hostname-pid when that is empty; written into replies
 * @param staticMembership    whether {@code consumer.instance.id} was set: then it is also the Kafka
 *                            {@code group.instance.id}, so a restarted B takes its partitions back at once
 * @param handlerClass        {@code handler.class}: FQCN of a {@link MessageHandler} or {@link BlockingMessageHandler}
 * @param handlerWorkMillis   {@code handler.work.ms}: the default handler's simulated work time
 * @param handlerConfig       {@code handler.config}: passed to the handler as is
 * @param maxInFlight         {@code processing.max.in.flight}: fetching pauses at this many unfinished records
 * @param dedupeCapacity      {@code dedupe.capacity}: how many processed ids are kept in memory
 * @param progressAutoExtend  {@code progress.auto.extend}: send IN_PROGRESS for handlers still running at half the
 *                            attempt's timeout
 * @param shutdownTimeoutMillis {@code shutdown.timeout.ms}: how long stop waits for running handlers
 * @param guarantee           {@code processing.guarantee}: at-least-once or exactly-once
 * @param transactionMaxRecords {@code transaction.max.records}: exactly-once commits a transaction at this many
 *                            finished records
 * @param transactionMaxMillis {@code transaction.max.ms}: … or this long after the first of them finished
 * @param dedupeMarkerKey     {@code dedupe.marker.key}: signs processed markers; unset, every marker counts
 * @param mode                {@code consumer.mode}: a consumer group or a share group on topic 1
 * @param groupProtocol       {@code group.protocol}: the consumer group protocol of B's group consumer
 * @param tracing             {@code tracing.*}: whether B's processing is traced (docs/operations.md#tracing)
 */
public record ConsumerOptions(
    KafkaSettings kafka,
    HttpSettings http,
    long scanPeriodMillis,
    String groupId,
    String instanceId,
    boolean staticMembership,
    String handlerClass,
    long handlerWorkMillis,
    JsonObject handlerConfig,
    int maxInFlight,
    int dedupeCapacity,
    boolean progressAutoExtend,
    long shutdownTimeoutMillis,
    ProcessingGuarantee guarantee,
    int transactionMaxRecords,
    long transactionMaxMillis,
    Secret dedupeMarkerKey,
    ConsumerMode mode,
    GroupProtocol groupProtocol,
    TracingSettings tracing) {

  public static final String GROUP_ID = "consumer.group.id";
  public static final String INSTANCE_ID = "consumer.instance.id";
  public static final String HANDLER_CLASS = "handler.class";
  public static final String HANDLER_WORK_MS = "handler.work.ms";
  public static final String HANDLER_CONFIG = "handler.config";
  public static final String MAX_IN_FLIGHT = "processing.max.in.flight";
  public static final String DEDUPE_CAPACITY = "dedupe.capacity";
  public static final String DEDUPE_MARKER_KEY = "dedupe.marker.key";
  public static final String PROGRESS_AUTO_EXTEND = "progress.auto.extend";
  public static final String SHUTDOWN_TIMEOUT_MS = "shutdown.timeout.ms";
  public static final String PROCESSING_GUARANTEE = "processing.guarantee";
  public static final String TRANSACTION_MAX_RECORDS = "transaction.max.records";
  public static final String TRANSACTION_MAX_MS = "transaction.max.ms";
  public static final String CONSUMER_MODE = "consumer.mode";
  public static final String GROUP_PROTOCOL = "group.protocol";

  public static final int DEFAULT_HTTP_PORT = 8081;
  public static final String DEFAULT_GROUP_ID = "ackcoord-consumer-b";
  public static final String DEFAULT_HANDLER_CLASS = "io.ackcoord.consumer.handler.ResultTopicHandler";
  public static final long DEFAULT_HANDLER_WORK_MS = 0;
  public static final int DEFAULT_MAX_IN_FLIGHT = 4000;
  public static final int DEFAULT_DEDUPE_CAPACITY = 1_000_000;
  public static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
  public static final ProcessingGuarantee DEFAULT_GUARANTEE = ProcessingGuarantee.AT_LEAST_ONCE;
  /** Below the default in-flight limit, so a full batch never waits for the timer behind a paused fetch. */
  public static final int DEFAULT_TRANSACTION_MAX_RECORDS = 200;
  public static final long DEFAULT_TRANSACTION_MAX_MS = 10;
  public static final GroupProtocol DEFAULT_GROUP_PROTOCOL = GroupProtocol.CLASSIC;

  public ConsumerOptions {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(handlerClass, "handlerClass");
    Objects.requireNonNull(guarantee, "guarantee");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(groupProtocol, "groupProtocol");
    tracing = tracing == null ? TracingSettings.OFF : tracing;
    handlerConfig = handlerConfig == null ? new JsonObject() : handlerConfig.copy();
  }

  /** Every key B accepts, with its type, default, rule and documentation. */
  public static ConfigDef definition() {
    ConfigDef def = new ConfigDef();
    KafkaSettings.define(def);
    HttpSettings.define(def, DEFAULT_HTTP_PORT);
    ConfigLoader.defineScanPeriod(def);
    TracingSettings.define(def, false);
    return def
        .define(GROUP_ID, Type.STRING, DEFAULT_GROUP_ID, ConfigDef.matches("\\S+", "a non-empty name"),
            "Kafka consumer group shared by every B instance; topic 1's partitions are split among them.")
        .define(INSTANCE_ID, Type.STRING, "", ConfigDef.matches("\\S*", "a name without spaces"),
            "This B's name in replies and logs; empty means hostname-pid. When set, it is also the Kafka "
                + "group.instance.id (static membership): a B restarted under the same name takes its partitions "
                + "back at once instead of after the session timeout. Give every B its own name.")
        .define(HANDLER_CLASS, Type.STRING, DEFAULT_HANDLER_CLASS, HandlerLoader::check,
            "Class that processes each message: implements MessageHandler or BlockingMessageHandler and has a "
                + "public no-argument constructor.")
        .define(HANDLER_WORK_MS, Type.LONG, DEFAULT_HANDLER_WORK_MS, ConfigDef.atLeast(0),
            "Simulated work time of the default handler, in ms (a timer, never a blocked thread).")
        .define(HANDLER_CONFIG, Type.OBJECT, new JsonObject(),
            "Configuration passed to the handler's init as is.")
        .define(MAX_IN_FLIGHT, Type.INT, DEFAULT_MAX_IN_FLIGHT, ConfigDef.between(1, 100_000),
            "Unfinished records at which B pauses fetching; it resumes below half of it. B's throughput is at most "
                + "this many over the time one record takes (handler, result, reply, about 20 ms on one local "
                + "broker), so a low value caps it.")
        .define(DEDUPE_CAPACITY, Type.INT, DEFAULT_DEDUPE_CAPACITY, ConfigDef.between(1, ProcessedIds.MAX_CAPACITY),
            "How many processed message ids B keeps in memory to answer re-sends without processing them again; "
                + "they are restored from <prefix>processed for the partitions B owns, so they survive a restart.")
        .define(DEDUPE_MARKER_KEY, Type.STRING, "", ConfigDef.matches("|.{16,}", "empty, or at least 16 characters"),
            "A secret shared by every B of the group (env DEDUPE_MARKER_KEY): B signs the ids of its processed "
                + "markers with it and, on restore, ignores ids whose signature is wrong, so a record forged on "
                + "<prefix>processed cannot make B skip a message. Empty: every marker counts, and only the topic's "
                + "ACLs keep forgeries out. Changing it makes older markers not count (their messages may be "
                + "processed again if re-sent).")
        .define(PROGRESS_AUTO_EXTEND, Type.BOOLEAN, false,
            "Send IN_PROGRESS for a handler still running at half the attempt's timeout, extending it by that "
                + "timeout, and repeat while it runs.")
        .define(SHUTDOWN_TIMEOUT_MS, Type.LONG, DEFAULT_SHUTDOWN_TIMEOUT_MS, ConfigDef.atLeast(0),
            "How long stopping B, or a rebalance taking partitions away, waits for running handlers before it "
                + "commits what is complete and lets go.")
        .define(PROCESSING_GUARANTEE, Type.STRING, DEFAULT_GUARANTEE.configValue(),
            ConfigDef.oneOf(ProcessingGuarantee.configValues().toArray(String[]::new)),
            "at-least-once: effect, processed-id marker, reply and offset are written one after the other; a crash "
                + "in between repeats the later steps, so effects must be idempotent (the default handler's are). "
                + "exactly-once: the handler's Kafka effects, the marker, the ACK/NACK and the offsets commit in one "
                + "Kafka transaction per batch, and a B that lost its partitions is fenced.")
        .define(TRANSACTION_MAX_RECORDS, Type.INT, DEFAULT_TRANSACTION_MAX_RECORDS, ConfigDef.between(1, 100_000),
            "exactly-once: commit a transaction once this many records are finished.")
        .define(TRANSACTION_MAX_MS, Type.LONG, DEFAULT_TRANSACTION_MAX_MS, ConfigDef.between(1, 60_000),
            "exactly-once: with no transaction being committed, start one at the latest this many ms after its "
                + "first record finished (records finishing while one is committed go in the next, started as soon "
                + "as it commits); the ACKs wait for the commit.")
        .define(CONSUMER_MODE, Type.STRING, ConsumerMode.GROUP.configValue(),
            ConfigDef.oneOf(ConsumerMode.configValues().toArray(String[]::new)),
            "group: B's instances form a consumer group on topic 1, one B per partition at a time. share: they form "
                + "a share group (Kafka 4.2+ with share groups enabled), so more Bs than partitions all work; "
                + "at-least-once only, and B accepts a record the broker delivers a second time without processing "
                + "it (A re-sends at its deadline). See docs/share-groups.md.")
        .define(GROUP_PROTOCOL, Type.STRING, DEFAULT_GROUP_PROTOCOL.configValue(),
            ConfigDef.oneOf(GroupProtocol.configValues().toArray(String[]::new)),
            "Consumer group protocol of B's group consumer. classic: the members assign (cooperative-sticky); "
                + "session.timeout.ms and heartbeat.interval.ms in kafka.consumer.properties are the client's. "
                + "consumer (KIP-848): the broker assigns, incrementally; the session timeout and heartbeat interval "
                + "are the group's configs (consumer.session.timeout.ms, consumer.heartbeat.interval.ms): B reads "
                + "them at start, and sets them on the group when kafka.consumer.properties has session.timeout.ms "
                + "or heartbeat.interval.ms (the broker's group.consumer.min.session.timeout.ms, 45 s by default, "
                + "bounds them).");
  }

  /** Builds the options from validated configuration; an empty instance id becomes hostname-pid. */
  public static ConsumerOptions from(Config c) {
    String instance = c.getString(INSTANCE_ID);
    ConsumerMode mode = ConsumerMode.fromConfig(c.getString(CONSUMER_MODE));
    ProcessingGuarantee guarantee = ProcessingGuarantee.fromConfig(c.getString(PROCESSING_GUARANTEE));
    if (mode == ConsumerMode.SHARE && guarantee == ProcessingGuarantee.EXACTLY_ONCE) {
      throw new ConfigException(CONSUMER_MODE, CONSUMER_MODE + " = share cannot run with " + PROCESSING_GUARANTEE
          + " = exactly-once: a share group has no transactions, so the offsets B would commit with its effects do "
          + "not exist. Use " + CONSUMER_MODE + " = group for exactly-once, or at-least-once in share mode");
    }
    return new ConsumerOptions(
        KafkaSettings.from(c),
        HttpSettings.from(c),
        c.getLong(ConfigLoader.SCAN_PERIOD_KEY),
        c.getString(GROUP_ID),
        instance.isEmpty() ? defaultInstanceId() : instance,
        !instance.isEmpty(),
        c.getString(HANDLER_CLASS),
        c.getLong(HANDLER_WORK_MS),
        c.getObject(HANDLER_CONFIG),
        c.getInt(MAX_IN_FLIGHT),
        c.getInt(DEDUPE_CAPACITY),
        c.getBoolean(PROGRESS_AUTO_EXTEND),
        c.getLong(SHUTDOWN_TIMEOUT_MS),
        guarantee,
        c.getInt(TRANSACTION_MAX_RECORDS),
        c.getLong(TRANSACTION_MAX_MS),
        Secret.of(c.getString(DEDUPE_MARKER_KEY)),
        mode,
        GroupProtocol.fromConfig(c.getString(GROUP_PROTOCOL)),
        TracingSettings.from(c, false));
  }

  /** Parses raw JSON with {@link #definition()}: a shortcut for tests and tools. */
  public static ConsumerOptions parse(JsonObject raw) {
    return from(definition().parse(raw));
  }

  /** Whether B runs in exactly-once mode (Kafka transactions). */
  public boolean exactlyOnce() {
    return guarantee == ProcessingGuarantee.EXACTLY_ONCE;
  }

  /** Whether B reads topic 1 in a share group. */
  public boolean shareMode() {
    return mode == ConsumerMode.SHARE;
  }

  /** The configuration JSON handed to the handler; a copy, so a handler cannot change B's view of it. */
  @Override
  public JsonObject handlerConfig() {
    return handlerConfig.copy();
  }

  /**
   * hostname-pid. The hostname comes from the environment when set (containers set HOSTNAME); the resolver is
   * the fallback, which may block on a lookup, so callers run this off the event loop.
   */
  static String defaultInstanceId() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        host = "b";
      }
    }
    return host + "-" + ProcessHandle.current().pid();
  }
}

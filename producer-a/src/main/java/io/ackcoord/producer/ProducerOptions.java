package io.ackcoord.producer;

import io.ackcoord.config.Config;
import io.ackcoord.config.ConfigDef;
import io.ackcoord.config.ConfigDef.Type;
import io.ackcoord.config.ConfigLoader;
import io.ackcoord.config.HttpSettings;
import io.ackcoord.producer.api.TimeoutRule;
import io.ackcoord.kafka.KafkaSettings;
import io.ackcoord.producer.timer.RetryPolicy;
import io.ackcoord.tracing.TracingSettings;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Verticle A's configuration, validated once at start-up (and again on every reload of the file).
 * {@link #definition()} is the single place keys, defaults, rules and docs are declared; the README's table is
 * generated from it.
 *
 * @param producerId         names this A; replies carry it back, and it picks the reply partition
 * @param replyPartition     partition of topic 2 this A reads; -1 derives it from {@code producerId}
 * @param retry              timeouts and backoff
 * @param maxMessageBytes    largest payload accepted
 * @param maxPending         pending messages at which new submissions are refused (503) instead of growing forever
 * @param heapLimit          fraction of the heap, in use after GC, above which new submissions are refused (503)
 * @param historySize        final messages remembered for lookups and duplicate-ACK detection
 * @param eventBusAddress    where in-process callers submit
 * @param burstSize          most deadlines handled in one timer tick; the rest follow at once, on the next tick
 * @param shutdownTimeoutMillis how long a stop waits for writes in flight before closing the producer anyway
 * @param statusPage         the status page's push interval, chart window, recent-event list and B staleness
 * @param kafka              cluster, topics and client properties
 * @param http               HTTP server
 * @param config             the validated raw values, for the status page
 */
public record ProducerOptions(
    String producerId,
    int replyPartition,
    RetryPolicy retry,
    int maxMessageBytes,
    int maxPending,
    double heapLimit,
    int historySize,
    String eventBusAddress,
    int burstSize,
    long shutdownTimeoutMillis,
    StatusPageOptions statusPage,
    KafkaSettings kafka,
    HttpSettings http,
    Config config) {

  public static final String PRODUCER_ID = "producer.id";
  public static final String REPLY_PARTITION = "ack.reply.partition";
  public static final String ACK_TIMEOUT = "ack.timeout.ms";
  public static final String MAX_EXTENSION = "ack.extension.max.ms";
  public static final String MAX_TOTAL_EXTENSION = "ack.extension.total.max.ms";
  public static final String MIN_TIMEOUT = "ack.timeout.min.ms";
  public static final String MAX_ATTEMPTS = "retry.max.attempts";
  public static final String MULTIPLIER = "retry.backoff.multiplier";
  public static final String MAX_BACKOFF = "retry.backoff.max.ms";
  public static final String JITTER = "retry.jitter";
  public static final String RETRY_DELAY = "retry.delay.ms";
  public static final String BURST = "retry.burst.max";
  public static final String MAX_BYTES = "message.max.bytes";
  public static final String MAX_PENDING = "pending.max";
  public static final String HEAP_LIMIT = "pending.heap.limit";
  public static final String HISTORY = "history.max";
  public static final String EVENT_BUS = "eventbus.address";
  public static final String PUSH_INTERVAL = "status.push.interval.ms";
  public static final String RATE_WINDOW = "status.rate.window.s";
  public static final String RECENT_MAX = "status.recent.max";
  public static final String CONSUMER_STALE = "status.consumer.stale.ms";
  public static final String SHUTDOWN_TIMEOUT = "shutdown.timeout.ms";
  public static final String CHECKPOINT_INTERVAL = "ledger.checkpoint.interval.ms";

  /** Every key A reads. */
  public static ConfigDef definition() {
    ConfigDef def = new ConfigDef();
    KafkaSettings.define(def);
    HttpSettings.define(def, 8080);
    ConfigLoader.defineScanPeriod(def);
    TracingSettings.define(def, true);
    return def
        .define(PRODUCER_ID, Type.STRING, "producer-a",
            ConfigDef.matches("[A-Za-z0-9._-]{1,100}", "1 to 100 of A-Z a-z 0-9 . _ -"),
            "Names this A instance; replies are addressed to it. Keep it stable across restarts.")
        .define(REPLY_PARTITION, Type.INT, -1, ConfigDef.atLeast(-1),
            "Partition of topic 2 this A reads its replies from; -1 derives it from producer.id. As on one "
                + "partition each read all of its replies and skip the others': when running several As, give each "
                + "its own (checked against the topic at start-up).")
        .define(ACK_TIMEOUT, Type.LONG, 10_000L, ConfigDef.between(1, 86_400_000),
            "How long A waits for a reply to the first attempt before re-sending, in ms; a caller may override "
                + "it per message. Re-read at run time for timers armed after a change.")
        .define(MIN_TIMEOUT, Type.LONG, 100L, ConfigDef.between(1, 86_400_000),
            "Shortest first-attempt timeout a caller may ask for per message, in ms: below it a message could be "
                + "re-sent and dead-lettered before any B had a chance to answer.")
        .define(MAX_ATTEMPTS, Type.INT, 5, ConfigDef.between(1, 1000),
            "Attempts in all, the first included; after the last one times out the message is dead-lettered.")
        .define(MULTIPLIER, Type.DOUBLE, 2.0, ConfigDef.between(1, 100),
            "Each attempt waits this many times longer than the one before.")
        .define(MAX_BACKOFF, Type.LONG, 300_000L, ConfigDef.between(1, 86_400_000),
            "Cap of any single wait (timeout or retry delay), in ms.")
        .define(JITTER, Type.DOUBLE, 0.1, ConfigDef.between(0, 1),
            "Each wait is spread by up to this fraction either way, so messages that failed together do not "
                + "re-send together.")
        .define(RETRY_DELAY, Type.LONG, 1_000L, ConfigDef.between(0, 86_400_000),
            "Base wait before a re-send that does not wait out a timeout (after a retryable NACK or a failed "
                + "send), in ms; grows like the timeout.")
        .define(MAX_EXTENSION, Type.LONG, 900_000L, ConfigDef.between(1, 86_400_000),
            "Longest a single IN_PROGRESS reply from B may push a deadline out, in ms.")
        .define(MAX_TOTAL_EXTENSION, Type.LONG, RetryPolicy.DEFAULT_MAX_TOTAL_EXTENSION_MILLIS,
            ConfigDef.between(0, 604_800_000),
            "How far IN_PROGRESS replies may push one message's deadlines out in all, in ms; past it, the message "
                + "times out and is re-sent like any other, so no reply can hold it forever.")
        .define(BURST, Type.INT, 500, ConfigDef.between(1, 1_000_000),
            "Most expired deadlines handled in one timer tick, and most re-sends and dead-letter writes awaiting "
                + "the broker at once; a larger backlog is worked off tick by tick so a burst of overdue timers "
                + "floods neither the producer nor B.")
        .define(SHUTDOWN_TIMEOUT, Type.LONG, 10_000L, ConfigDef.between(0, 3_600_000),
            "How long a stop (SIGTERM, undeploy) waits for writes in flight (first sends, re-sends, dead letters, "
                + "checkpoints) to be confirmed before closing the producer anyway, in ms; a broker that does not "
                + "answer cannot hold A longer. Accepted messages are already in topic 1: what a stop cuts off "
                + "is re-sent after the next start.")
        .define(CHECKPOINT_INTERVAL, Type.LONG, 1000L, ConfigDef.between(100, 60_000),
            "Shortest interval between A's checkpoints of what is pending, in ms (docs/decisions/014); it grows by "
                + "a second per 20,000 pending messages, up to 2 minutes. A restart reads topic 1 and the "
                + "dead-letter topic from the newest checkpoint on, so a longer interval means a longer restart.")
        .define(MAX_BYTES, Type.INT, 1_048_576, ConfigDef.between(1, 100 * 1_048_576),
            "Largest payload accepted, in bytes; larger HTTP bodies get 413. Keep it under the broker's "
                + "message.max.bytes.")
        .define(MAX_PENDING, Type.INT, 2_000_000, ConfigDef.atLeast(1),
            "Pending messages at which new submissions are refused with 503 until some are ACKed.")
        .define(HEAP_LIMIT, Type.DOUBLE, 0.9, ConfigDef.between(0.1, 1),
            "Fraction of A's maximum heap, in use after the last garbage collection, above which new submissions "
                + "are refused with 503 (Retry-After) instead of running A out of memory; 1 turns the check off. "
                + "Pending messages cost about 400 bytes each, plus the payload until the broker confirms it.")
        .define(HISTORY, Type.INT, 10_000, ConfigDef.atLeast(0),
            "Final (ACKed or dead-lettered) messages remembered for GET /api/messages/{id} and to tell duplicate "
                + "ACKs from unknown ones. Each stays on the heap until this many newer ones finished, long enough "
                + "at a high rate for the garbage collector to copy it several times: 100000 at 38,000 msg/s made "
                + "A's young collections 10 times as frequent and up to 34 ms long.")
        .define(EVENT_BUS, Type.STRING, "ackcoord.producer.send",
            ConfigDef.matches("\\S+", "non-empty, without whitespace"),
            "Event-bus address for in-process submissions; the reply comes on ACK or dead-letter.")
        .define(PUSH_INTERVAL, Type.LONG, 1000L, ConfigDef.between(100, 60_000),
            "How often the status page's event stream (GET /api/events) pushes a snapshot to each open page, in ms.")
        .define(RATE_WINDOW, Type.INT, 300, ConfigDef.between(10, 3600),
            "Seconds of per-second send, ACK and re-send rates kept for the status page's chart.")
        .define(RECENT_MAX, Type.INT, 200, ConfigDef.between(1, 100_000),
            "Most recent re-sends and dead letters (with their reasons) kept for the status page.")
        .define(CONSUMER_STALE, Type.LONG, 5000L, ConfigDef.between(1000, 3_600_000),
            "Silence after which a B's figures on the stats topic are shown as stale (B down or cut off), in ms; "
                + "B publishes every second. A B silent 12 times as long is no longer listed.");
  }

  /** The same options with a reloaded retry policy and the raw values it came from. */
  public ProducerOptions withRetry(RetryPolicy newRetry, Config newConfig) {
    return new ProducerOptions(producerId, replyPartition, newRetry, maxMessageBytes, maxPending, heapLimit,
        historySize, eventBusAddress, burstSize, shutdownTimeoutMillis, statusPage, kafka, http, newConfig);
  }

  /** The shortest interval between A's checkpoints. */
  long checkpointIntervalMillis() {
    return config.getLong(CHECKPOINT_INTERVAL);
  }

  /** Tracing: the OTLP endpoint that turns it on, the status page's link to a trace UI. */
  public TracingSettings tracing() {
    return TracingSettings.from(config, true);
  }

  /** The bounds on a caller's own timeout ({@value #MIN_TIMEOUT} up to a day); for A's own doors. */
  TimeoutRule timeoutRule() {
    return new TimeoutRule(config.getLong(MIN_TIMEOUT));
  }

  /** Reads validated configuration. */
  public static ProducerOptions from(Config c) {
    RetryPolicy retry = new RetryPolicy(c.getLong(ACK_TIMEOUT), c.getInt(MAX_ATTEMPTS), c.getDouble(MULTIPLIER),
        c.getLong(MAX_BACKOFF), c.getDouble(JITTER), c.getLong(RETRY_DELAY), c.getLong(MAX_EXTENSION),
        c.getLong(MAX_TOTAL_EXTENSION));
    return new ProducerOptions(c.getString(PRODUCER_ID), c.getInt(REPLY_PARTITION), retry, c.getInt(MAX_BYTES),
        c.getInt(MAX_PENDING), c.getDouble(HEAP_LIMIT), c.getInt(HISTORY), c.getString(EVENT_BUS), c.getInt(BURST),
        c.getLong(SHUTDOWN_TIMEOUT),
        new StatusPageOptions(c.getLong(PUSH_INTERVAL), c.getInt(RATE_WINDOW), c.getInt(RECENT_MAX),
            c.getLong(CONSUMER_STALE)),
        KafkaSettings.from(c), HttpSettings.from(c), c);
  }

  /**
   * The partition of topic 2 this A reads, given how many it has. Derived from the producer id the way Kafka's
   * default partitioner hashes keys, so each A owns a stable partition without coordination.
   *
   * @throws io.ackcoord.config.ConfigException if a configured partition does not exist
   */
  public int replyPartition(int ackPartitions) {
    if (replyPartition >= 0) {
      if (replyPartition >= ackPartitions) {
        throw io.ackcoord.config.ConfigException.invalid(REPLY_PARTITION, replyPartition,
            "topic " + kafka.topics().acks() + " has only " + ackPartitions + " partition(s)");
      }
      return replyPartition;
    }
    return Utils.toPositive(Utils.murmur2(producerId.getBytes(StandardCharsets.UTF_8))) % ackPartitions;
  }

  /**
   * Says, for the start-up log, which reply partition this A reads, how it was chosen, and what sharing it means:
   * any other A on the same partition has its replies read (and skipped) here too.
   */
  public String describeReplyPartition(int ackPartitions) {
    int p = replyPartition(ackPartitions);
    String how = replyPartition >= 0
        ? "set by " + REPLY_PARTITION
        : "hashed from " + PRODUCER_ID + " '" + producerId + "' over " + ackPartitions + " partition(s); set "
            + REPLY_PARTITION + " to choose";
    return "replies from " + kafka.topics().acks() + "-" + p + " (" + how + "); other As reading partition " + p
        + " share it: each reads all of its replies and skips the others' (foreignReplies)";
  }
}

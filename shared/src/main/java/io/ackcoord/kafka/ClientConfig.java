package io.ackcoord.kafka;

import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way A and B configure a Kafka client, so that no user property can switch off what a guarantee depends
 * on. A client's config is built in three layers, each overriding the one before:
 * <ol>
 *   <li>ackcoord's {@linkplain #defaults defaults} for this client (tuning, timeouts, {@code client.id});</li>
 *   <li>the user's {@code kafka.properties}, then {@code kafka.producer.properties} or
 *       {@code kafka.consumer.properties} (admin clients take only {@code kafka.properties});</li>
 *   <li>what the client's guarantee depends on ({@link #require}), and keys it must not have ({@link #forbid}).</li>
 * </ol>
 * A user property that the last layer overrides or drops is logged at WARN with the key, the user's value, the
 * value used and why, once per client built. A producer never takes a {@code transactional.id} from the user:
 * a transactional producer cannot send outside a transaction, so only code that requires one sets it.
 *
 * <p>Immutable: each call returns a new instance, so a shared base (say, A's producer) can be refined per client.
 */
public final class ClientConfig {

  /** What kind of client: decides which of the user's property layers apply. */
  public enum Kind {
    PRODUCER, CONSUMER, ADMIN
  }

  private static final Logger LOG = LoggerFactory.getLogger(ClientConfig.class);

  private final Kind kind;
  private final KafkaSettings kafka;
  private final Map<String, String> defaults;
  /** Key → value the guarantee needs, or {@code null} for a key that must be absent; with why, in order. */
  private final Map<String, Requirement> required;

  private record Requirement(String value, String why) {
  }

  private ClientConfig(Kind kind, KafkaSettings kafka, Map<String, String> defaults,
      Map<String, Requirement> required) {
    this.kind = kind;
    this.kafka = kafka;
    this.defaults = defaults;
    this.required = required;
  }

  /** A producer's config, named {@code clientId} in the broker's logs and metrics. */
  public static ClientConfig producer(KafkaSettings kafka, String clientId) {
    return start(Kind.PRODUCER, kafka, clientId);
  }

  /** A consumer's config, named {@code clientId}. */
  public static ClientConfig consumer(KafkaSettings kafka, String clientId) {
    return start(Kind.CONSUMER, kafka, clientId);
  }

  /**
   * An admin client's config, named {@code clientId}. Its timeouts are short by default, so that an unreachable
   * cluster is reported in seconds at start-up rather than after the client's default minute.
   */
  public static ClientConfig admin(KafkaSettings kafka, String clientId) {
    return start(Kind.ADMIN, kafka, clientId)
        .defaults("default.api.timeout.ms", "15000")
        .defaults("request.timeout.ms", "5000");
  }

  private static ClientConfig start(Kind kind, KafkaSettings kafka, String clientId) {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(clientId, "clientId");
    return new ClientConfig(kind, kafka, Map.of("client.id", clientId), Map.of());
  }

  /** Sets ackcoord's default for {@code key}; the user's properties may change it. */
  public ClientConfig defaults(String key, String value) {
    Map<String, String> next = new HashMap<>(defaults);
    next.put(key, Objects.requireNonNull(value, key));
    return new ClientConfig(kind, kafka, Map.copyOf(next), required);
  }

  /**
   * Sets {@code key} to {@code value} whatever the user's properties say.
   *
   * @param why what would break otherwise; it is part of the warning a user gets when their property is overridden
   */
  public ClientConfig require(String key, String value, String why) {
    return with(key, new Requirement(Objects.requireNonNull(value, key), why));
  }

  /** Removes {@code key}, whatever the user's properties say; {@code why} as for {@link #require}. */
  public ClientConfig forbid(String key, String why) {
    return with(key, new Requirement(null, why));
  }

  /**
   * A producer whose confirmed send is durable and not doubled by its own retries: {@code acks=all} and
   * idempotence. Everything A's 202 and B's commit-after-reply rest on.
   */
  public ClientConfig durable() {
    return require(ProducerConfig.ACKS_CONFIG, "all",
        "a confirmed send must survive the loss of the partition leader")
        .require(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
            "a retried send must not write the record twice");
  }

  /** A consumer that never sees records of aborted transactions (exactly-once B's effects, markers, replies). */
  public ClientConfig readCommitted() {
    return require(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        "records of aborted transactions must not count as replies, markers or results");
  }

  /** A consumer whose position is committed by ackcoord, only once what was read is safe. */
  public ClientConfig manualCommits() {
    return require(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
        "an automatic commit would mark records done before they are");
  }

  /** A consumer that reads partitions by {@code assign}, outside any group: group settings are dropped. */
  public ClientConfig noGroup() {
    return forbid(ConsumerConfig.GROUP_ID_CONFIG, "this client reads by assign, outside any group")
        .forbid(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "this client reads by assign, outside any group");
  }

  /** The config, as the Kafka client constructors take it; logs a WARN for each user property overridden. */
  public Map<String, Object> build() {
    return new HashMap<>(strings());
  }

  /** {@link #build()} as strings. */
  public Map<String, String> strings() {
    Map<String, String> user = userProperties();
    Map<String, String> config = new HashMap<>(defaults);
    config.put("bootstrap.servers", kafka.bootstrapServers());
    config.putAll(user);
    Map<String, Requirement> rules = new LinkedHashMap<>(required);
    if (kind == Kind.PRODUCER && !rules.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG)) {
      rules.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
          new Requirement(null, "a transactional producer cannot send outside a transaction"));
    }
    rules.forEach((key, rule) -> {
      String users = user.get(key);
      if (rule.value() == null) {
        config.remove(key);
      } else {
        config.put(key, rule.value());
      }
      if (users != null && !users.equals(rule.value())) {
        LOG.warn("Kafka property {}={} ignored for client {}: {} because {}", key, users, config.get("client.id"),
            rule.value() == null ? "it is not set" : "it is " + rule.value(), rule.why());
      }
    });
    return Collections.unmodifiableMap(config);
  }

  // Later layers win: the common client properties, then the ones for this kind of client.
  private Map<String, String> userProperties() {
    Map<String, String> user = new HashMap<>();
    copy(kafka.clientProperties(), user);
    switch (kind) {
      case PRODUCER -> copy(kafka.producerProperties(), user);
      case CONSUMER -> copy(kafka.consumerProperties(), user);
      case ADMIN -> {
      }
    }
    return user;
  }

  private static void copy(JsonObject from, Map<String, String> to) {
    from.forEach(e -> to.put(e.getKey(), String.valueOf(e.getValue())));
  }

  private ClientConfig with(String key, Requirement rule) {
    Map<String, Requirement> next = new LinkedHashMap<>(required);
    next.put(key, rule);
    return new ClientConfig(kind, kafka, defaults, Collections.unmodifiableMap(next));
  }
}

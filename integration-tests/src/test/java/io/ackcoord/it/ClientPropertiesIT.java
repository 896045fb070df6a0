package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ackcoord.kafka.ClientConfig;
import io.ackcoord.testkit.KafkaBroker;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsContext;
import org.apache.kafka.common.metrics.MetricsReporter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * {@code kafka.properties} (where SASL and TLS settings go) reaches every Kafka client A and B create — producers,
 * consumers, readers and admin clients, including B's stats producer and A's reply consumer — and
 * {@code kafka.producer.properties} / {@code kafka.consumer.properties} reach only their kind.
 *
 * <p>How it sees the clients: the properties name a {@link MetricsReporter} (a setting every Kafka client honours),
 * which records each client that configures it, with its kind and its config. A client created without the user's
 * properties never shows up.
 */
class ClientPropertiesIT extends AckLoopTest {

  /** Every client that configured the reporter: its kind ("kafka.producer", …) and its config. */
  record Client(String kind, String clientId, Map<String, ?> config) {
  }

  private static final Map<String, Client> CLIENTS = new ConcurrentHashMap<>();

  /** Records the clients it is configured in; Kafka instantiates it once per client. */
  public static final class RecordingReporter implements MetricsReporter {
    private Map<String, ?> config = Map.of();

    @Override
    public void configure(Map<String, ?> configs) {
      this.config = Map.copyOf(configs);
    }

    @Override
    public void contextChange(MetricsContext context) {
      String kind = context.contextLabels().get(MetricsContext.NAMESPACE);
      String clientId = String.valueOf(config.get("client.id"));
      CLIENTS.put(kind + "/" + clientId + "/" + System.identityHashCode(this), new Client(kind, clientId, config));
    }

    @Override
    public void init(List<KafkaMetric> metrics) {
    }

    @Override
    public void metricChange(KafkaMetric metric) {
    }

    @Override
    public void metricRemoval(KafkaMetric metric) {
    }

    @Override
    public void close() {
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"at-least-once", "exactly-once"})
  @DisplayName("kafka.properties reaches every client of A and B; the producer and consumer properties their kind")
  void everyClientGetsTheProperties(String guarantee, Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    String marker = loop.topics.prefix() + guarantee;
    JsonObject kafka = new JsonObject()
        .put("kafka.properties", new JsonObject()
            .put("metric.reporters", RecordingReporter.class.getName())
            // Not a Kafka setting: Kafka passes it on to the reporter (and says it is unused), which tells this
            // test's clients from any other test's.
            .put("ackcoord.test.marker", marker))
        .put("kafka.producer.properties", new JsonObject().put("ackcoord.test.kind", "producer"))
        .put("kafka.consumer.properties", new JsonObject().put("ackcoord.test.kind", "consumer"));
    loop.deployConsumer(null, kafka.copy().put("consumer.instance.id", "b-props")
        .put("processing.guarantee", guarantee));
    loop.deployProducer(kafka.copy().put("producer.id", "a-props"));
    loop.submit(3);
    await().atMost(Duration.ofSeconds(60)).until(() -> loop.stat("acked") == 3);

    List<Client> mine = CLIENTS.values().stream().filter(c -> marker.equals(c.config().get("ackcoord.test.marker")))
        .toList();
    Set<String> ids = mine.stream().map(c -> c.kind() + " " + c.clientId()).collect(Collectors.toSet());
    assertThat(ids).contains(
        // A: the producer (topic 1, ledger, dead letters), the reply consumer, the ledger's recovery reader, the
        // status page's stats consumer and health admin client.
        "kafka.producer ackcoord-a-a-props",
        "kafka.consumer ackcoord-a-a-props-replies",
        "kafka.consumer ackcoord-a-a-props-ledger-recovery",
        "kafka.consumer ackcoord-a-a-props-stats",
        "kafka.admin.client ackcoord-a-a-props-health",
        // B: the group consumer, the reply producer, the stats producer, the restore reader of processed ids and
        // its end-offset probe.
        "kafka.consumer ackcoord-b-b-props",
        "kafka.producer ackcoord-b-replies-b-props",
        "kafka.producer ackcoord-b-stats-b-props",
        "kafka.consumer ackcoord-b-dedupe-b-props",
        "kafka.consumer ackcoord-b-dedupe-b-props-end");
    // Exactly-once adds the transactional producer; at-least-once the default handler's restore of its results.
    assertThat(ids).contains("exactly-once".equals(guarantee)
        ? "kafka.producer ackcoord-b-txn-b-props" : "kafka.consumer ackcoord-b-results-restore-b-props");
    // The topic check at start-up of both (admin clients without a client id of ackcoord's).
    assertThat(mine).filteredOn(c -> c.kind().equals("kafka.admin.client")).hasSizeGreaterThanOrEqualTo(3);
    assertThat(mine).allSatisfy(c -> assertThat(c.config().get("ackcoord.test.kind")).as(c.kind() + " " + c.clientId())
        .isEqualTo(switch (c.kind()) {
          case "kafka.producer" -> "producer";
          case "kafka.consumer" -> "consumer";
          default -> null;
        }));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"at-least-once", "exactly-once"})
  @DisplayName("user properties cannot switch off what the guarantees depend on: acks=1, no idempotence, "
      + "read_uncommitted and auto-commit are overridden on every client that depends on them, with a WARN each")
  void guaranteesWinOverUserProperties(String guarantee, Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    String marker = loop.topics.prefix() + guarantee;
    JsonObject kafka = new JsonObject()
        .put("kafka.properties", new JsonObject()
            .put("metric.reporters", RecordingReporter.class.getName())
            .put("ackcoord.test.marker", marker))
        .put("kafka.producer.properties", new JsonObject().put("acks", "1").put("enable.idempotence", false))
        .put("kafka.consumer.properties", new JsonObject().put("isolation.level", "read_uncommitted")
            .put("enable.auto.commit", true));
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(ClientConfig.class);
    warnings.start();
    logger.addAppender(warnings);
    try {
      loop.deployConsumer(null, kafka.copy().put("consumer.instance.id", "b-strict")
          .put("processing.guarantee", guarantee));
      loop.deployProducer(kafka.copy().put("producer.id", "a-strict"));
      loop.submit(3);
      await().atMost(Duration.ofSeconds(60)).until(() -> loop.stat("acked") == 3);
    } finally {
      logger.detachAppender(warnings);
    }

    Map<String, Client> mine = CLIENTS.values().stream()
        .filter(c -> marker.equals(c.config().get("ackcoord.test.marker")))
        .collect(Collectors.toMap(c -> c.kind() + " " + c.clientId(), c -> c, (x, y) -> x));
    List<String> durableProducers = new java.util.ArrayList<>(List.of(
        "kafka.producer ackcoord-a-a-strict", "kafka.producer ackcoord-b-replies-b-strict"));
    List<String> committedReaders = new java.util.ArrayList<>(List.of(
        "kafka.consumer ackcoord-a-a-strict-replies", "kafka.consumer ackcoord-a-a-strict-ledger-recovery",
        "kafka.consumer ackcoord-b-b-strict"));
    if ("exactly-once".equals(guarantee)) {
      durableProducers.add("kafka.producer ackcoord-b-txn-b-strict");
      committedReaders.add("kafka.consumer ackcoord-b-dedupe-b-strict");
    }
    assertThat(mine).containsKeys(durableProducers.toArray(String[]::new))
        .containsKeys(committedReaders.toArray(String[]::new));
    durableProducers.forEach(name -> assertThat(Map.<String, Object>copyOf(mine.get(name).config()))
        .as(name).containsEntry("acks", "all").containsEntry("enable.idempotence", "true"));
    committedReaders.forEach(name -> assertThat(Map.<String, Object>copyOf(mine.get(name).config()))
        .as(name).containsEntry("isolation.level", "read_committed"));
    // No consumer of A or B commits on its own, whatever the user asked.
    mine.forEach((name, c) -> assertThat(c.config().get("enable.auto.commit")).as(name).isNotEqualTo("true"));
    assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(w -> assertThat(w).contains("acks=1 ignored for client ackcoord-a-a-strict"))
        .anySatisfy(w -> assertThat(w).contains("enable.idempotence=false ignored for client ackcoord-a-a-strict"))
        .anySatisfy(w -> assertThat(w).contains("isolation.level=read_uncommitted ignored for client "
            + "ackcoord-a-a-strict-replies"))
        .anySatisfy(w -> assertThat(w).contains("acks=1 ignored for client ackcoord-b-replies-b-strict"));
  }
}

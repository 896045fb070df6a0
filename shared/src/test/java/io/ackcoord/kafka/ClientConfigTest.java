package io.ackcoord.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@link ClientConfig}: the layers, and that what a guarantee needs beats the user's properties. */
class ClientConfigTest {

  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(ClientConfig.class);

  @BeforeEach
  void capture() {
    log.start();
    logger.addAppender(log);
  }

  @AfterEach
  void release() {
    logger.detachAppender(log);
  }

  private static KafkaSettings settings(JsonObject common, JsonObject producer, JsonObject consumer) {
    return new KafkaSettings("b:9092", new TopicNames("t."), 3, (short) 1, true, -1, common, producer, consumer);
  }

  private List<String> warnings() {
    return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  @DisplayName("defaults < kafka.properties < kafka.producer.properties; the consumer's layer does not reach a "
      + "producer")
  void layers() {
    KafkaSettings kafka = settings(new JsonObject().put("linger.ms", 7).put("security.protocol", "SSL"),
        new JsonObject().put("linger.ms", 9), new JsonObject().put("max.poll.records", 1));

    Map<String, String> producer = ClientConfig.producer(kafka, "p").defaults("linger.ms", "5")
        .defaults("compression.type", "lz4").strings();
    Map<String, String> consumer = ClientConfig.consumer(kafka, "c").strings();
    Map<String, String> admin = ClientConfig.admin(kafka, "a").strings();

    assertThat(producer).containsEntry("linger.ms", "9").containsEntry("compression.type", "lz4")
        .containsEntry("security.protocol", "SSL").containsEntry("client.id", "p")
        .containsEntry("bootstrap.servers", "b:9092").doesNotContainKey("max.poll.records");
    assertThat(consumer).containsEntry("linger.ms", "7").containsEntry("max.poll.records", "1");
    assertThat(admin).containsEntry("security.protocol", "SSL").containsEntry("request.timeout.ms", "5000")
        .doesNotContainKey("max.poll.records");
    assertThat(warnings()).isEmpty();
  }

  @Test
  @DisplayName("acks=1 and enable.idempotence=false from the user are overridden on a durable producer, each with "
      + "a WARN naming key, value and client")
  void durableProducerWins() {
    KafkaSettings kafka = settings(new JsonObject(),
        new JsonObject().put("acks", "1").put("enable.idempotence", false), new JsonObject());

    Map<String, String> config = ClientConfig.producer(kafka, "ackcoord-a-x").durable().strings();

    assertThat(config).containsEntry("acks", "all").containsEntry("enable.idempotence", "true");
    assertThat(warnings()).hasSize(2).allSatisfy(w -> assertThat(w).contains("ackcoord-a-x"))
        .anySatisfy(w -> assertThat(w).contains("acks=1 ignored").contains("it is all"))
        .anySatisfy(w -> assertThat(w).contains("enable.idempotence=false ignored").contains("it is true"));
  }

  @Test
  @DisplayName("a user value equal to the required one is not warned about")
  void sameValueNoWarning() {
    KafkaSettings kafka = settings(new JsonObject().put("acks", "all"), new JsonObject(), new JsonObject());

    assertThat(ClientConfig.producer(kafka, "p").durable().strings()).containsEntry("acks", "all");
    assertThat(warnings()).isEmpty();
  }

  @Test
  @DisplayName("read_uncommitted and auto-commit from the user are overridden on a consumer that needs them")
  void consumerRequirements() {
    KafkaSettings kafka = settings(new JsonObject().put("enable.auto.commit", "true"), new JsonObject(),
        new JsonObject().put("isolation.level", "read_uncommitted"));

    Map<String, String> config = ClientConfig.consumer(kafka, "c").readCommitted().manualCommits().strings();

    assertThat(config).containsEntry("isolation.level", "read_committed").containsEntry("enable.auto.commit",
        "false");
    assertThat(warnings()).hasSize(2);
  }

  @Test
  @DisplayName("a user's transactional.id never reaches a producer that does not require one; group settings never "
      + "reach an assign-only reader")
  void forbidden() {
    KafkaSettings kafka = settings(new JsonObject(), new JsonObject().put("transactional.id", "mine"),
        new JsonObject().put("group.id", "g").put("group.instance.id", "i"));

    assertThat(ClientConfig.producer(kafka, "p").durable().strings()).doesNotContainKey("transactional.id");
    assertThat(ClientConfig.producer(kafka, "p").durable().require("transactional.id", "tx-1", "B's fencing")
        .strings()).containsEntry("transactional.id", "tx-1");
    assertThat(ClientConfig.consumer(kafka, "r").noGroup().strings())
        .doesNotContainKeys("group.id", "group.instance.id");
    assertThat(warnings()).hasSize(4).anySatisfy(w -> assertThat(w).contains("transactional.id=mine ignored")
        .contains("it is not set"));
  }

  @Test
  @DisplayName("each call returns a new config: refining a shared base leaves the base as it was")
  void immutable() {
    KafkaSettings kafka = settings(new JsonObject(), new JsonObject(), new JsonObject());
    ClientConfig base = ClientConfig.consumer(kafka, "c");

    base.readCommitted();
    base.defaults("fetch.min.bytes", "1");

    assertThat(base.strings()).doesNotContainKeys("isolation.level", "fetch.min.bytes");
  }
}

package io.ackcoord.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Order(1)
@ExtendWith(KafkaBrokerExtension.class)
class KafkaBrokerExtensionIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** The broker each test class of this JVM was given; SharedBrokerIT checks there is only one. */
  static final List<KafkaBroker> BROKERS_SEEN = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void recordBroker(KafkaBroker broker) {
    BROKERS_SEEN.add(broker);
  }

  @Test
  @DisplayName("a record written with produceRaw is read back by readAll, key, value and headers intact")
  void produceAndReadBack(KafkaBroker broker) {
    String topic = TestTopics.uniquePrefix("produce-and-read-back") + "events";
    KafkaTestClients.createTopics(broker.bootstrapServers(), 3, topic);
    List<Header> headers = List.of(new RecordHeader("trace", new byte[] {1, 2, 3}));

    KafkaTestClients.produceRaw(broker.bootstrapServers(), topic, "k1".getBytes(UTF_8), "v1".getBytes(UTF_8), headers);

    List<ConsumerRecord<String, String>> records =
        KafkaTestClients.readAll(broker.bootstrapServers(), topic, IsolationLevel.READ_UNCOMMITTED, TIMEOUT);
    assertThat(records).singleElement().satisfies(record -> {
      assertThat(record.key()).isEqualTo("k1");
      assertThat(record.value()).isEqualTo("v1");
      assertThat(record.headers().lastHeader("trace").value()).containsExactly(1, 2, 3);
    });
  }

  @Test
  @DisplayName("creating a topic that exists is fine; readAll of an empty topic returns nothing")
  void createTwiceAndReadEmpty(KafkaBroker broker) {
    String topic = TestTopics.uniquePrefix("create-twice") + "empty";

    KafkaTestClients.createTopics(broker.bootstrapServers(), 1, topic);
    KafkaTestClients.createTopics(broker.bootstrapServers(), 1, topic);

    assertThat(KafkaTestClients.readAll(broker.bootstrapServers(), topic, IsolationLevel.READ_COMMITTED, TIMEOUT))
        .isEmpty();
  }

  @Test
  @DisplayName("read_committed skips an aborted transaction that read_uncommitted sees")
  void isolationLevels(KafkaBroker broker) {
    String topic = TestTopics.uniquePrefix("isolation") + "tx";
    KafkaTestClients.createTopics(broker.bootstrapServers(), 1, topic);
    Properties props = new Properties();
    props.putAll(broker.clientProperties());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic + "-producer");
    try (KafkaProducer<String, String> producer =
             new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "committed"));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "aborted"));
      producer.flush();
      producer.abortTransaction();
    }

    assertThat(KafkaTestClients.readAll(broker.bootstrapServers(), topic, IsolationLevel.READ_COMMITTED, TIMEOUT))
        .extracting(ConsumerRecord::value).containsExactly("committed");
    assertThat(KafkaTestClients.readAll(broker.bootstrapServers(), topic, IsolationLevel.READ_UNCOMMITTED, TIMEOUT))
        .extracting(ConsumerRecord::value).containsExactly("committed", "aborted");
  }

  @Test
  @DisplayName("awaitRecords returns once the condition holds and fails, listing the records, when it never does")
  void awaitRecords(KafkaBroker broker) {
    String topic = TestTopics.uniquePrefix("await") + "acks";
    KafkaTestClients.createTopics(broker.bootstrapServers(), 3, topic);
    for (int i = 0; i < 5; i++) {
      KafkaTestClients.produceRaw(broker.bootstrapServers(), topic, ("k" + i).getBytes(UTF_8),
          ("v" + i).getBytes(UTF_8), List.of());
    }

    assertThat(KafkaTestClients.awaitRecords(broker.bootstrapServers(), topic, IsolationLevel.READ_COMMITTED,
        records -> records.size() == 5, TIMEOUT)).hasSize(5);
    assertThatThrownBy(() -> KafkaTestClients.awaitRecords(broker.bootstrapServers(), topic,
        IsolationLevel.READ_COMMITTED, records -> records.size() > 5, Duration.ofSeconds(1)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("read 5");
  }

  @Test
  @DisplayName("readAll of a topic that does not exist fails with the topic's name")
  void readMissingTopic(KafkaBroker broker) {
    String topic = TestTopics.uniquePrefix("missing") + "nothing";

    assertThatThrownBy(() -> KafkaTestClients.readAll(broker.bootstrapServers(), topic,
        IsolationLevel.READ_COMMITTED, Duration.ofSeconds(1)))
        .hasMessageContaining(topic);
  }

  @Test
  @DisplayName("clientProperties carry the bootstrap servers")
  void clientProperties(KafkaBroker broker) {
    assertThat(broker.clientProperties()).isEqualTo(Map.of("bootstrap.servers", broker.bootstrapServers()));
  }
}

package io.ackcoord.consumer.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ackcoord.config.ConfigDef;
import io.ackcoord.consumer.GroupProtocol;
import io.ackcoord.kafka.KafkaSettings;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

  private static final JsonObject USER_SESSION = new JsonObject().put("kafka.consumer.properties", new JsonObject()
      .put("session.timeout.ms", 7000)
      .put("heartbeat.interval.ms", 1000)
      .put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.RangeAssignor")
      .put("group.protocol", "classic"));

  @Test
  @DisplayName("classic: cooperative-sticky, the user's session and heartbeat, group.protocol=classic")
  void classic() {
    Map<String, String> config = groupConsumer(new JsonObject(), GroupProtocol.CLASSIC, null);

    assertThat(config).containsEntry(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic")
        .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000")
        .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000")
        .containsEntry(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor")
        .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
        .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    assertThat(KafkaClients.classicSessionConfig(settings(USER_SESSION)))
        .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "7000")
        .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
  }

  @Test
  @DisplayName("consumer: no assignor, session or heartbeat on the client (the consumer refuses them); static "
      + "membership, manual commits and read_committed kept")
  void consumer() {
    Map<String, String> config = groupConsumer(USER_SESSION, GroupProtocol.CONSUMER, "b1");

    assertThat(config).containsEntry(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer")
        .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "b1")
        .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "g")
        .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
        .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .doesNotContainKeys(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);
    // What the Kafka client itself checks: it refuses these keys under the consumer protocol.
    assertThat(new ConsumerConfig(Map.<String, Object>copyOf(withDeserializers(config)))
        .getString(ConsumerConfig.GROUP_PROTOCOL_CONFIG)).isEqualTo("consumer");
    for (String refused : new String[] {ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG}) {
      Map<String, Object> with = withDeserializers(config);
      with.put(refused, refused.equals(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)
          ? "org.apache.kafka.clients.consumer.RangeAssignor" : "7000");
      assertThatThrownBy(() -> new ConsumerConfig(with)).as(refused).isInstanceOf(ConfigException.class)
          .hasMessageContaining(refused);
    }
  }

  @Test
  @DisplayName("classic and consumer: group.protocol from the user's properties cannot contradict B's key")
  void protocolEnforced() {
    JsonObject user = new JsonObject().put("kafka.consumer.properties", new JsonObject()
        .put("group.protocol", "consumer"));

    assertThat(groupConsumer(user, GroupProtocol.CLASSIC, null))
        .containsEntry(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
  }

  @Test
  @DisplayName("the lease window: the whole session under classic, one heartbeat interval less under consumer")
  void confirmedWindow() {
    assertThat(new GroupSession(10_000, 3_000, true).confirmedMillis()).isEqualTo(10_000);
    assertThat(new GroupSession(10_000, 3_000, false).confirmedMillis()).isEqualTo(7_000);
  }

  private static Map<String, String> groupConsumer(JsonObject raw, GroupProtocol protocol, String instance) {
    return KafkaClients.groupConsumerConfig(settings(raw), "g", "c", 500, instance, protocol).strings();
  }

  private static Map<String, Object> withDeserializers(Map<String, String> config) {
    Map<String, Object> m = new HashMap<>(config);
    m.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.StringDeserializer");
    m.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    return m;
  }

  private static KafkaSettings settings(JsonObject raw) {
    ConfigDef def = new ConfigDef();
    KafkaSettings.define(def);
    return KafkaSettings.from(def.parse(raw));
  }
}

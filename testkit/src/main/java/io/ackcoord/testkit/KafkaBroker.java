package io.ackcoord.testkit;

import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * A Kafka cluster a test can use, whatever runs it (a local broker process, a container, an external cluster).
 * Tests depend on this, not on how the broker was started, so the same test runs against all of them.
 */
public interface KafkaBroker {

  /** The {@code bootstrap.servers} value clients connect with, e.g. {@code 127.0.0.1:40123}. */
  String bootstrapServers();

  /**
   * Properties every client of this cluster needs; start client configs from these so a cluster that needs
   * more than an address (security settings of an external cluster) only changes here.
   */
  default Map<String, Object> clientProperties() {
    return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
  }
}

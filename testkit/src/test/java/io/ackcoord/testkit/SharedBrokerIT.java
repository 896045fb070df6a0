package io.ackcoord.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs after {@link KafkaBrokerExtensionIT} (class order 2) in the same JVM. */
@Order(2)
@ExtendWith(KafkaBrokerExtension.class)
class SharedBrokerIT {

  @Test
  @DisplayName("a second test class gets the very broker the first one got: one broker per JVM")
  void brokerIsShared(KafkaBroker broker) {
    assertThat(KafkaBrokerExtensionIT.BROKERS_SEEN)
        .as("KafkaBrokerExtensionIT must have run first in this JVM")
        .isNotEmpty()
        .allSatisfy(seen -> {
          assertThat(seen).isSameAs(broker);
          assertThat(seen.bootstrapServers()).isEqualTo(broker.bootstrapServers());
        });
  }
}

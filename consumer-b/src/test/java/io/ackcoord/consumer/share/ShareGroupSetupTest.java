package io.ackcoord.consumer.share;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ShareGroupSetupTest {

  @Test
  @DisplayName("a cluster without share groups is refused with the feature, its level and the command that enables it")
  void featureMissing() {
    assertThatThrownBy(() -> ShareGroupSetup.checkFeature(Map.of(), "kafka-1:9092"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("share.version is not finalized")
        .hasMessageContaining("kafka-features.sh --bootstrap-server kafka-1:9092 upgrade --feature share.version=1")
        .hasMessageContaining("consumer.mode = group");
    assertThatThrownBy(() -> ShareGroupSetup.checkFeature(
        Map.of("share.version", new FinalizedVersionRange((short) 0, (short) 0)), "kafka-1:9092"))
        .hasMessageContaining("share.version is 0");
    assertThatCode(() -> ShareGroupSetup.checkFeature(
        Map.of("share.version", new FinalizedVersionRange((short) 1, (short) 2)), "kafka-1:9092"))
        .doesNotThrowAnyException();
  }
}

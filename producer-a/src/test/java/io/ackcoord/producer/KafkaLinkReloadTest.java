package io.ackcoord.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.config.HttpSettings;
import io.ackcoord.producer.coordinator.HeapGuard;
import io.ackcoord.time.ManualClock;
import io.ackcoord.tracing.Tracing;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class KafkaLinkReloadTest {

  @Test
  @DisplayName("a reloaded file whose keys clash (0.0.0.0 without a token) is ignored, not thrown at the watcher")
  void clashingReloadIsIgnored(Vertx vertx) {
    ProducerOptions options = ProducerOptions.from(ProducerOptions.definition().parse(new JsonObject()));
    HeapGuard heap = HeapGuard.forThisJvm(options.heapLimit());
    try {
      KafkaLink link = new KafkaLink(vertx, new ManualClock(), options, heap, null, Tracing.OFF);
      link.reload(ProducerOptions.definition().parse(new JsonObject().put(HttpSettings.HOST, "0.0.0.0")
          .put(ProducerOptions.ACK_TIMEOUT, 1234)), "conf/a.json");
      assertThat(link.options()).isSameAs(options);
      link.reload(ProducerOptions.definition().parse(new JsonObject().put(ProducerOptions.ACK_TIMEOUT, 1234)),
          "conf/a.json");
      assertThat(link.options().retry().ackTimeoutMillis()).as("a valid change still applies").isEqualTo(1234);
    } finally {
      heap.close();
    }
  }
}

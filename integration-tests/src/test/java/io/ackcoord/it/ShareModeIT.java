package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.consumer.ConsumerVerticle;
import io.ackcoord.testkit.KafkaBroker;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * B in a share group ({@code consumer.mode = share}) against the real broker: more Bs than partitions all work, a
 * handler slower than the broker's lock keeps its record, and A stays the one that re-sends.
 */
class ShareModeIT extends AckLoopTest {

  private static JsonObject share(String instance) {
    return new JsonObject()
        .put("consumer.mode", "share")
        .put("consumer.instance.id", instance);
  }

  @Test
  @DisplayName("six Bs on three partitions: every B processes records, every message is ACKed and has one effect")
  void sixBsOnThreePartitions(Vertx vertx, KafkaBroker broker, TestInfo info) {
    AckLoop loop = loop(vertx, broker, info);
    List<ConsumerVerticle> bs = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      // A few records per poll and some work per record, so no one B takes everything before the others join.
      bs.add(loop.deployConsumer(share("b" + i).put("handler.work.ms", 100)
          .put("kafka.consumer.properties", new JsonObject().put("max.poll.records", 3))));
    }
    loop.deployProducer(new JsonObject().put("ack.timeout.ms", 30_000));

    List<String> ids = loop.submit(300);
    await().atMost(Duration.ofSeconds(90)).until(() -> loop.stat("acked") == 300);

    assertThat(bs).as("records processed per B: %s", bs.stream().map(b -> b.stats().processed()).toList())
        .allSatisfy(b -> assertThat(b.stats().processed()).isPositive());
    assertThat(bs.stream().mapToLong(b -> b.stats().processed()).sum()).isEqualTo(300);
    assertThat(loop.stat("retries")).isZero();
    Map<String, Integer> effects = loop.effects();
    assertThat(effects.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(effects.values()).allMatch(c -> c == 1);
  }
}

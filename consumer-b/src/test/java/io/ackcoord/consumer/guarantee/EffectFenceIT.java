package io.ackcoord.consumer.guarantee;

import static io.ackcoord.consumer.BFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.consumer.BFixture;
import io.ackcoord.consumer.kafka.Backoff;
import io.ackcoord.consumer.kafka.KafkaClients;
import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.consumer.loop.Lease;
import io.ackcoord.consumer.loop.LeaseGuard;
import io.ackcoord.consumer.loop.PartitionEpochs;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.kafka.KafkaSettings;
import io.ackcoord.kafka.TopicAdmin;
import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.KafkaBrokerExtension;
import io.ackcoord.time.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The at-least-once zombie fence at the broker: B stamps an effect with the time of its ownership check, and the
 * results topic B creates refuses a record that arrives longer than its fence after that check. A B paused between
 * the check and the write (the chaos suite's SIGSTOP) is played here by a clock that made the check 6 s ago.
 */
@ExtendWith({VertxExtension.class, KafkaBrokerExtension.class})
class EffectFenceIT {

  @Test
  @DisplayName("an effect checked longer ago than the results topic's fence is refused; the producer writes on")
  void staleEffectRefused(Vertx vertx, KafkaBroker broker, TestInfo info) throws Exception {
    try (BFixture b = new BFixture(broker, info.getTestMethod().orElseThrow().getName())) {
      KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), b.topics, 3, (short) 1, true,
          KafkaSettings.DEFAULT_PROCESSED_RETENTION_MS, clientProperties(broker), new JsonObject(), new JsonObject());
      await(TopicAdmin.ensureTopics(vertx, kafka));
      assertThat(await(TopicAdmin.maxTimestampAge(vertx, kafka, b.topics.results())))
          .isEqualTo(TopicAdmin.EFFECT_FENCE_MS);
      KafkaSender producer = await(KafkaClients.idempotentProducer(vertx, kafka, "fence-it"));

      ManualClock clock = new ManualClock(System.currentTimeMillis() - TopicAdmin.EFFECT_FENCE_MS - 1_000);
      ConsumerStats stats = new ConsumerStats();
      TopicPartition p0 = new TopicPartition(b.topics.messages(), 0);
      PartitionEpochs epochs = new PartitionEpochs();
      epochs.assign(List.of(p0));
      Lease lease = new Lease(clock, 5_000);
      lease.confirmed(clock.monotonicMillis());
      LeaseGuard guard = new LeaseGuard(vertx, clock, epochs, lease, Future::succeededFuture, new Backoff(1, 5),
          stats);
      Inbound in = Inbound.of(new ConsumerRecord<>(p0.topic(), 0, 0L, "m", new byte[0]), epochs.current(p0));
      DirectEffects effects = new DirectEffects(in, guard, producer, vertx.getOrCreateContext(), stats, clock);

      Throwable refused = effects.send(result(b, "m-stale")).toCompletionStage().toCompletableFuture()
          .handle((ok, err) -> err).get(30, TimeUnit.SECONDS);
      assertThat(refused).as("the stale effect's failure").isNotNull().hasMessageContaining("refused an effect");
      // Each retry passes the ownership check again but is stamped by the same paused clock.
      assertThat(stats.effectsRefused()).isEqualTo(DirectEffects.STALE_ATTEMPTS);

      clock.setWallMillis(System.currentTimeMillis());
      await(effects.send(result(b, "m-fresh")));

      assertThat(b.results(false)).isEqualTo(Map.of("m-fresh", 1L));
      await(producer.close(5_000));
    }
  }

  private static ProducerRecord<String, byte[]> result(BFixture b, String id) {
    return new ProducerRecord<>(b.topics.results(), 0, id, new byte[] {1});
  }

  private static JsonObject clientProperties(KafkaBroker broker) {
    JsonObject properties = new JsonObject();
    broker.clientProperties().forEach((k, v) -> {
      if (!"bootstrap.servers".equals(k)) {
        properties.put(k, String.valueOf(v));
      }
    });
    return properties;
  }
}

package io.ackcoord.consumer.status;

import io.ackcoord.consumer.kafka.KafkaClients;
import io.ackcoord.kafka.KafkaSettings;
import io.ackcoord.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes B's figures once a second to the stats topic ({@code <prefix>stats}, compacted), keyed by B's instance
 * id, so that A's status page can show every B's processed, duplicate and poison counts without knowing where the Bs
 * run: it works across hosts with nothing more to configure than the topic prefix both already share.
 *
 * <p>Value: the JSON of B's {@code GET /api/status} plus {@code "v":1}, {@code "at"} (wall millis),
 * {@code "intervalMs"} and {@code "stopped"}. On a graceful stop one last report says {@code "stopped":true}, so A
 * shows the B as stopped at once rather than after its stale threshold. Telemetry only: a report that cannot be
 * written is skipped (never queued up while the broker is away), and it never delays processing.
 *
 * <p>It has a producer of its own ({@link KafkaClients#statsProducer}), with short timeouts and no idempotence: a
 * report that cannot be delivered is dropped within seconds, and neither it nor closing it can hold up B's reply
 * producer or B's shutdown when the broker has gone away.
 */
public final class StatsPublisher {

  /** How often B publishes. A marks a B stale after a few missed reports. */
  static final long INTERVAL_MS = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(StatsPublisher.class);
  private static final long CLOSE_TIMEOUT_MS = 2000;

  private final Vertx vertx;
  private final KafkaWriteStream<String, byte[]> producer;
  private final String topic;
  private final String instanceId;
  private final Supplier<JsonObject> snapshot;
  private final Clock clock;
  private long timer = -1;
  private boolean sending;
  private boolean failing;

  /**
   * Creates the publisher's producer (on a worker: constructing a Kafka client may block on DNS) and starts
   * publishing on the caller's context.
   */
  public static Future<StatsPublisher> start(Vertx vertx, KafkaSettings kafka, String instanceId,
      Supplier<JsonObject> snapshot, Clock clock) {
    return KafkaClients.statsProducer(vertx, kafka, "ackcoord-b-stats-" + instanceId)
        .map(stream -> {
          StatsPublisher publisher = new StatsPublisher(vertx, stream, kafka.topics().stats(), instanceId, snapshot,
              clock);
          publisher.publish(false);
          publisher.timer = vertx.setPeriodic(INTERVAL_MS, id -> publisher.publish(false));
          return publisher;
        });
  }

  private StatsPublisher(Vertx vertx, KafkaWriteStream<String, byte[]> producer, String topic, String instanceId,
      Supplier<JsonObject> snapshot, Clock clock) {
    this.vertx = vertx;
    this.producer = producer;
    this.topic = topic;
    this.instanceId = instanceId;
    this.snapshot = snapshot;
    this.clock = clock;
  }

  /** Stops the timer, publishes the goodbye report and closes the producer, each bounded in time. Never fails. */
  public Future<Void> close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    return publish(true).timeout(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(err -> Future.succeededFuture())
        .compose(v -> producer.close(CLOSE_TIMEOUT_MS))
        .recover(err -> Future.succeededFuture());
  }

  private Future<Void> publish(boolean stopped) {
    if (sending && !stopped) {
      return Future.succeededFuture(); // the previous report is still on its way: skip, do not pile up
    }
    JsonObject report = snapshot.get().put("v", 1).put("consumerId", instanceId).put("at", clock.wallMillis())
        .put("intervalMs", INTERVAL_MS).put("stopped", stopped);
    sending = true;
    return producer.send(new ProducerRecord<>(topic, instanceId, report.toBuffer().getBytes()))
        .<Void>mapEmpty()
        .onComplete(ar -> {
          sending = false;
          if (ar.failed() && !failing) {
            LOG.warn("Could not publish B's stats to {} (retrying every {} ms): {}", topic, INTERVAL_MS,
                ar.cause().toString());
          } else if (ar.succeeded() && failing) {
            LOG.info("Publishing B's stats to {} again", topic);
          }
          failing = ar.failed();
        });
  }
}

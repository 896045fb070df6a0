package io.ackcoord.consumer;

import io.ackcoord.kafka.KafkaSettings;
import io.ackcoord.time.Clock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Objects;

/**
 * What a handler gets at {@link MessageHandler#init}: the Vert.x instance to create clients and timers with, its own
 * configuration ({@code handler.config}), the Kafka settings (for handlers that write to Kafka) and who this B is.
 *
 * @param vertx      the instance B runs on
 * @param config     {@code handler.config}, a copy the handler may keep
 * @param kafka      cluster, topics and client properties
 * @param consumerId this B's instance id, as written into replies
 * @param options    all of B's options, for anything else
 * @param clock      the clock B uses; handlers that stamp times should use it too
 * @param topicPartitions partition count of each of ackcoord's topics, as found at start-up
 */
public record HandlerSetup(
    Vertx vertx,
    JsonObject config,
    KafkaSettings kafka,
    String consumerId,
    ConsumerOptions options,
    Clock clock,
    Map<String, Integer> topicPartitions) {

  public HandlerSetup {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(consumerId, "consumerId");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(clock, "clock");
    config = config == null ? new JsonObject() : config.copy();
    topicPartitions = topicPartitions == null ? Map.of() : Map.copyOf(topicPartitions);
  }
}

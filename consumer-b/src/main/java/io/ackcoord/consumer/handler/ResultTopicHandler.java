package io.ackcoord.consumer.handler;

import io.ackcoord.consumer.DedupeStore;
import io.ackcoord.consumer.Effects;
import io.ackcoord.consumer.HandlerSetup;
import io.ackcoord.consumer.IncomingMessage;
import io.ackcoord.consumer.MessageHandler;
import io.ackcoord.kafka.KafkaSettings;
import io.ackcoord.protocol.SafeText;
import io.ackcoord.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default handler: waits {@code handler.work.ms} on a Vert.x timer (simulated work that never blocks a thread),
 * then writes one record keyed by message id to the results topic, through {@link IncomingMessage#effects()}, into
 * the partition with the index of the topic-1 partition the message came from.
 *
 * <p>Its effect is visible to anyone with a Kafka client: count the records per id on {@code <prefix>results} to see
 * how often each message was processed. Guarantee: one result record per message id, however B crashes.
 * <ul>
 *   <li>at-least-once: the handler is idempotent on its own. When a topic-1 partition is assigned it restores the
 *       ids that already have a result in the results partition with the same index (the topics must have the same
 *       partition count; {@code init} checks), and it writes no second result for them. That covers the window
 *       between the effect and B's processed-id marker: a B killed there is followed by one that finds the result
 *       and only ACKs. A B that lost its partition cannot land a result after the new owner's restore: the
 *       lease stops it from starting one, and the results topic's {@code message.timestamp.before.max.ms} makes the
 *       broker refuse one that was already on its way when B was paused (see {@link Effects}).</li>
 *   <li>exactly-once: the result commits in the transaction with the marker, the ACK and the offset, so B's own
 *       dedupe covers it; nothing is restored.</li>
 * </ul>
 *
 * <p>It uses only the public handler SPI of {@code io.ackcoord.consumer}, so it can be copied into a project of one's
 * own as the start of a handler.
 *
 * <p>Result value: {@code {"id":…,"attempt":…,"consumer":…,"processedAt":…,"payloadBytes":…}}.
 */
public class ResultTopicHandler implements MessageHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ResultTopicHandler.class);

  private Vertx vertx;
  private HandlerSetup setup;
  private Clock clock;
  private KafkaSettings kafka;
  private String consumerId;
  private String topic;
  private long workMillis;
  /** Ids with a result, per topic-1 partition; {@code null} in exactly-once mode. */
  private DedupeStore written;

  @Override
  public Future<Void> init(HandlerSetup setup) {
    this.setup = setup;
    this.vertx = setup.vertx();
    this.clock = setup.clock();
    this.kafka = setup.kafka();
    this.consumerId = setup.consumerId();
    this.topic = kafka.topics().results();
    this.workMillis = setup.options().handlerWorkMillis();
    this.written = setup.options().exactlyOnce() ? null : setup.newIdStore();
    Map<String, Integer> counts = setup.topicPartitions();
    Integer messages = counts.get(kafka.topics().messages());
    Integer results = counts.get(topic);
    if (messages != null && results != null && !messages.equals(results)) {
      return Future.failedFuture(new IllegalStateException("topic " + topic + " has " + results + " partitions and "
          + kafka.topics().messages() + " has " + messages + ": the result handler writes the result of a message "
          + "of partition p to partition p, so they must have the same count"));
    }
    LOG.info("Result handler writes to {} after {} ms of simulated work ({})", topic, workMillis,
        written == null ? "atomic with the ACK" : "skipping ids that have a result");
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> onPartitionsAssigned(Set<TopicPartition> partitions) {
    if (written == null) {
      return Future.succeededFuture();
    }
    Set<Integer> numbers = partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
    return setup.readKeys(topic, numbers, false, "ackcoord-b-results-restore-" + consumerId)
        .map(keys -> {
          int restored = 0;
          for (TopicPartition tp : partitions) {
            List<String> ids = keys.getOrDefault(tp.partition(), List.of());
            ids.forEach(id -> written.add(tp, id));
            restored += ids.size();
          }
          LOG.info("Restored {} ids with a result for {}", restored, partitions);
          return null;
        });
  }

  @Override
  public void onPartitionsRevoked(Set<TopicPartition> partitions) {
    if (written != null) {
      written.forget(partitions);
    }
  }

  @Override
  public Future<Void> handle(IncomingMessage message) {
    Future<Void> work = workMillis > 0 ? vertx.timer(workMillis).mapEmpty() : Future.succeededFuture();
    return work.compose(v -> {
      if (written != null && written.contains(message)) {
        LOG.debug("{} already has a result: not writing another", SafeText.forLog(message.id()));
        return Future.succeededFuture();
      }
      TopicPartition source = new TopicPartition(message.topic(), message.partition());
      return message.effects().send(resultRecord(message)).onSuccess(ok -> {
        if (written != null) {
          written.add(source, message);
        }
      });
    });
  }

  @Override
  public String toString() {
    return "ResultTopicHandler(" + workMillis + " ms of work, then a record on " + topic + ")";
  }

  private ProducerRecord<String, byte[]> resultRecord(IncomingMessage message) {
    JsonObject value = new JsonObject()
        .put("id", message.id())
        .put("attempt", message.attempt())
        .put("consumer", consumerId)
        .put("processedAt", clock.wallMillis())
        .put("payloadBytes", message.payload().length);
    return new ProducerRecord<>(topic, message.partition(), message.id(), value.toBuffer().getBytes());
  }
}

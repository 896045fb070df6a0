package io.ackcoord.consumer;

import io.ackcoord.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default handler: waits {@code handler.work.ms} on a Vert.x timer (simulated work that never blocks a thread),
 * then writes one record keyed by message id to the results topic and completes when the broker confirmed it.
 *
 * <p>Its effect is visible to anyone with a Kafka client: count the records per id on {@code <prefix>results} to see
 * how often each message was processed. Guarantee: one result record per successful {@code handle} call; the
 * producer is idempotent, so a retry inside the client does not add a second one. A message processed again after
 * a crash of B (before its offset was committed) does produce a second record: that is the at-least-once window
 * the results topic makes measurable.
 *
 * <p>Result value: {@code {"id":…,"attempt":…,"consumer":…,"processedAt":…,"payloadBytes":…}}.
 */
public class ResultTopicHandler implements MessageHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ResultTopicHandler.class);

  private Vertx vertx;
  private Clock clock;
  private String consumerId;
  private String topic;
  private long workMillis;
  private KafkaWriteStream<String, byte[]> producer;

  @Override
  public Future<Void> init(HandlerSetup setup) {
    this.vertx = setup.vertx();
    this.clock = setup.clock();
    this.consumerId = setup.consumerId();
    this.topic = setup.kafka().topics().results();
    this.workMillis = setup.options().handlerWorkMillis();
    return KafkaClients.idempotentProducer(vertx, setup.kafka(), "ackcoord-b-results-" + consumerId)
        .onSuccess(p -> {
          this.producer = p;
          LOG.info("Result handler writes to {} after {} ms of simulated work", topic, workMillis);
        })
        .mapEmpty();
  }

  @Override
  public Future<Void> handle(IncomingMessage message) {
    Future<Void> work = workMillis > 0 ? vertx.timer(workMillis) : Future.succeededFuture();
    return work.compose(v -> producer.send(resultRecord(message))).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return producer == null ? Future.succeededFuture() : producer.close();
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
    return new ProducerRecord<>(topic, message.id(), value.toBuffer().getBytes());
  }
}

package io.ackcoord.kafka;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka clients for A and B, created without blocking the event loop. Creating one loads its classes and resolves
 * the bootstrap addresses, seconds on a busy machine, so the native client is built on a worker and wrapped back on
 * the caller's context. Keys are strings, values bytes; the config is used as given.
 */
public final class KafkaClientFactory {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaClientFactory.class);

  private KafkaClientFactory() {
  }

  public static Future<KafkaWriteStream<String, byte[]>> producer(Vertx vertx, Map<String, String> config) {
    return newProducer(vertx, config)
        .map(producer -> KafkaWriteStream.<String, byte[]>create(vertx, producer)
            // Each send's Future reports its own failure to the code that sent it. Without a handler, the stream
            // would also report it as an "Unhandled exception" on the event loop: an outage would log every send.
            .exceptionHandler(err -> LOG.debug("Send failed (reported to its sender): {}", err.toString())));
  }

  /**
   * A {@link KafkaSender} for the caller's context: for producers on the hot path, where a worker hop per record
   * would cost more than the send.
   */
  public static Future<KafkaSender> sender(Vertx vertx, Map<String, String> config, String name) {
    Context context = vertx.getOrCreateContext();
    return newProducer(vertx, config).map(producer -> new KafkaSender(producer, context, name));
  }

  private static Future<KafkaProducer<String, byte[]>> newProducer(Vertx vertx, Map<String, String> config) {
    return vertx.executeBlocking(() -> new KafkaProducer<>(new HashMap<String, Object>(config),
        new StringSerializer(), new ByteArraySerializer()), false);
  }

  public static Future<KafkaReadStream<String, byte[]>> consumer(Vertx vertx, Map<String, String> config) {
    return vertx.executeBlocking(() -> new KafkaConsumer<>(new HashMap<String, Object>(config),
            new StringDeserializer(), new ByteArrayDeserializer()), false)
        .map(consumer -> KafkaReadStream.create(vertx, consumer));
  }

  public static Future<KafkaAdminClient> admin(Vertx vertx, Map<String, String> config) {
    return vertx.executeBlocking(() -> AdminClient.create(new HashMap<String, Object>(config)), false)
        .map(admin -> KafkaAdminClient.create(vertx, admin));
  }
}

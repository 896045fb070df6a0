package io.ackcoord.kafka;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only door through which A and B create Kafka clients: every method takes a {@link ClientConfig}, so every
 * client carries what the guarantees depend on, whatever the user's properties say (the integration tests' API
 * boundary check fails the build when A or B constructs a client elsewhere). Keys are strings, values bytes unless
 * a deserializer is given.
 *
 * <p>The asynchronous methods build the native client on a worker and wrap it on the caller's context: creating
 * one loads its classes and resolves the bootstrap addresses, seconds on a busy machine. The {@code new...}
 * methods block the same way; call them only off the event loop.
 */
public final class KafkaClientFactory {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaClientFactory.class);

  private KafkaClientFactory() {
  }

  /** A producer as a Vert.x write stream. */
  public static Future<KafkaWriteStream<String, byte[]>> producer(Vertx vertx, ClientConfig config) {
    return vertx.executeBlocking(() -> newProducer(config), false)
        .map(producer -> KafkaWriteStream.<String, byte[]>create(vertx, producer)
            // Each send's Future reports its own failure to the code that sent it. Without a handler, the stream
            // would also report it as an "Unhandled exception" on the event loop: an outage would log every send.
            .exceptionHandler(err -> LOG.debug("Send failed (reported to its sender): {}", err.toString())));
  }

  /**
   * A {@link KafkaSender} for the caller's context: for producers on the hot path, where a worker hop per record
   * would cost more than the send.
   */
  public static Future<KafkaSender> sender(Vertx vertx, ClientConfig config, String name) {
    Context context = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> newProducer(config), false)
        .map(producer -> new KafkaSender(producer, context, name));
  }

  /** A consumer as a Vert.x read stream. */
  public static Future<KafkaReadStream<String, byte[]>> consumer(Vertx vertx, ClientConfig config) {
    return vertx.executeBlocking(() -> newConsumer(config, new ByteArrayDeserializer()), false)
        .map(consumer -> KafkaReadStream.create(vertx, consumer));
  }

  /** A plain consumer built on a worker, for code that owns its polling thread. */
  public static Future<KafkaConsumer<String, byte[]>> plainConsumer(Vertx vertx, ClientConfig config) {
    return vertx.executeBlocking(() -> newConsumer(config, new ByteArrayDeserializer()), false);
  }

  /** An admin client. */
  public static Future<KafkaAdminClient> admin(Vertx vertx, ClientConfig config) {
    return vertx.executeBlocking(() -> AdminClient.create(config.build()), false)
        .map(admin -> KafkaAdminClient.create(vertx, admin));
  }

  /**
   * A plain admin client, built on the calling thread (blocks: never on the event loop), for the calls
   * vertx-kafka-client's admin does not have ({@code incrementalAlterConfigs}).
   */
  public static Admin newAdmin(ClientConfig config) {
    return Admin.create(config.build());
  }

  /** A plain producer, built on the calling thread (blocks: never on the event loop). */
  public static KafkaProducer<String, byte[]> newProducer(ClientConfig config) {
    return new KafkaProducer<>(config.build(), new StringSerializer(), new ByteArraySerializer());
  }

  /** A share-group consumer, built on the calling thread (blocks: never on the event loop). */
  public static KafkaShareConsumer<String, byte[]> newShareConsumer(ClientConfig config) {
    return new KafkaShareConsumer<>(config.build(), new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** A plain consumer, built on the calling thread (blocks: never on the event loop). */
  public static <V> KafkaConsumer<String, V> newConsumer(ClientConfig config, Deserializer<V> values) {
    return new KafkaConsumer<>(config.build(), new StringDeserializer(), values);
  }
}

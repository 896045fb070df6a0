package io.ackcoord.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The sending side of a plain Kafka peer (the baseline, whose consumer is {@link BaselineConsumer}; the share group,
 * {@link ShareGroupConsumer}): a producer to the messages topic with A's producer settings
 * ({@code acks=all}, idempotent, {@code linger.ms=5}), and a reader of the results topic that completes a message
 * when its result record (written by the peer's consumer) arrives. That read is the peers' counterpart of A
 * reading B's ACK: the moment the sender learns that the message was processed.
 */
final class BaselinePipeline implements Pipeline {

  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> results;
  private final String name;
  private final String topic;
  private final Map<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
  private final Thread reader;
  private volatile boolean running = true;

  /**
   * @param name the system's name in tables and plots; its clients' ids and reader thread are named after it
   */
  BaselinePipeline(String name, String bootstrap, String messagesTopic, String resultsTopic, int partitions) {
    this.name = name;
    this.topic = messagesTopic;
    String clients = "bench-" + name.replaceAll("[^A-Za-z0-9]+", "-");
    producer = new KafkaProducer<>(Map.<String, Object>of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
        ProducerConfig.LINGER_MS_CONFIG, "5",
        ProducerConfig.CLIENT_ID_CONFIG, clients + "-producer"), new StringSerializer(), new ByteArraySerializer());
    results = new KafkaConsumer<>(Map.<String, Object>of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
        ConsumerConfig.CLIENT_ID_CONFIG, clients + "-results"), new StringDeserializer(),
        new ByteArrayDeserializer());
    List<TopicPartition> tps = java.util.stream.IntStream.range(0, partitions)
        .mapToObj(p -> new TopicPartition(resultsTopic, p)).toList();
    results.assign(tps);
    results.seekToEnd(tps);
    tps.forEach(results::position); // resolve "end" now, before the first message is sent
    reader = new Thread(this::read, clients + "-results");
    reader.setDaemon(true);
    reader.start();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CompletionStage<?> submit(String id, byte[] payload) {
    CompletableFuture<Void> processed = new CompletableFuture<>();
    pending.put(id, processed);
    producer.send(new ProducerRecord<>(topic, id, payload), (metadata, err) -> {
      if (err != null && pending.remove(id) != null) {
        processed.completeExceptionally(err);
      }
    });
    return processed;
  }

  private void read() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : results.poll(Duration.ofMillis(100))) {
          CompletableFuture<Void> f = pending.remove(r.key());
          if (f != null) {
            f.complete(null);
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      results.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  @Override
  public void close() {
    running = false;
    results.wakeup();
    try {
      reader.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(10));
  }
}

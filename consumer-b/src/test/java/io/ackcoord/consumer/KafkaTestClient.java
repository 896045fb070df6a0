package io.ackcoord.consumer;

import io.ackcoord.protocol.InvalidRecordException;
import io.ackcoord.protocol.ProcessedMarker;
import io.ackcoord.protocol.Reply;
import io.ackcoord.protocol.ReplyCodec;
import io.ackcoord.testkit.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plain Kafka clients for integration tests, run on the test thread (blocking is fine there): write raw records,
 * read a whole topic, read a group's committed offsets. Everything a test checks is read back from the broker.
 */
final class KafkaTestClient implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final KafkaBroker broker;
  private final KafkaProducer<String, byte[]> producer;
  private final Admin admin;

  KafkaTestClient(KafkaBroker broker) {
    this.broker = broker;
    Map<String, Object> producerConfig = new HashMap<>(broker.clientProperties());
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
    this.admin = Admin.create(broker.clientProperties());
  }

  /** Writes the records and waits until the broker confirmed all of them. */
  List<RecordMetadata> produce(List<ProducerRecord<String, byte[]>> records) {
    List<Future<RecordMetadata>> sends = records.stream().map(producer::send).toList();
    List<RecordMetadata> out = new ArrayList<>();
    for (Future<RecordMetadata> send : sends) {
      out.add(get(send));
    }
    return out;
  }

  /** Writes one record without waiting for the broker: for paced load. */
  Future<RecordMetadata> produceAsync(ProducerRecord<String, byte[]> record) {
    return producer.send(record);
  }

  /** Every committed record of {@code topic} up to its current end, across all partitions. */
  List<ConsumerRecord<String, byte[]>> readAll(String topic) {
    return readAll(topic, true);
  }

  /**
   * Every record of {@code topic} up to its current end, across all partitions; with {@code readCommitted} false
   * also those of open and aborted transactions.
   */
  List<ConsumerRecord<String, byte[]>> readAll(String topic, boolean readCommitted) {
    Map<String, Object> config = new HashMap<>(broker.clientProperties());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end " + end + " within " + TIMEOUT);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  /** The replies on topic 2, decoded (a batch record gives each of its replies), with the partition each was on. */
  List<PartitionReply> replies(String acksTopic) {
    return readAll(acksTopic).stream().flatMap(r -> repliesIn(r).stream()
        .map(reply -> new PartitionReply(r.partition(), reply))).toList();
  }

  /** The replies one record of topic 2 holds; a test fails on an invalid one. */
  static List<Reply> repliesIn(ConsumerRecord<String, byte[]> record) {
    try {
      ReplyCodec.Decoded decoded = ReplyCodec.decodeAll(record.value());
      if (!decoded.invalid().isEmpty()) {
        throw new AssertionError("invalid replies on " + record.topic() + ": " + decoded.invalid());
      }
      return decoded.replies();
    } catch (InvalidRecordException e) {
      throw new AssertionError("not a reply on " + record.topic() + ": " + e.getMessage(), e);
    }
  }

  /** The ids the committed markers on {@code processedTopic} name, each with the partition of its marker. */
  List<Map.Entry<String, Integer>> markedIds(String processedTopic) {
    return readAll(processedTopic).stream().flatMap(r -> {
      try {
        return ProcessedMarker.ids(r.key(), r.value()).stream()
            .map(m -> Map.entry(m.id(), r.partition()));
      } catch (InvalidRecordException e) {
        throw new AssertionError("not a marker on " + processedTopic + ": " + e.getMessage(), e);
      }
    }).toList();
  }

  /** How many committed markers name each id on {@code processedTopic}. */
  Map<String, Long> countMarked(String processedTopic) {
    return markedIds(processedTopic).stream()
        .collect(Collectors.groupingBy(Map.Entry::getKey, Collectors.counting()));
  }

  /** How many committed records each key has on {@code topic}. */
  Map<String, Long> countByKey(String topic) {
    return countByKey(topic, true);
  }

  /** How many records each key has on {@code topic}, with or without those of open and aborted transactions. */
  Map<String, Long> countByKey(String topic, boolean readCommitted) {
    return readAll(topic, readCommitted).stream()
        .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
  }

  /** The offsets {@code groupId} has committed, per partition. */
  Map<TopicPartition, OffsetAndMetadata> committed(String groupId) {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        get(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata());
    Map<TopicPartition, OffsetAndMetadata> present = new HashMap<>();
    offsets.forEach((tp, o) -> {
      if (o != null) {
        present.put(tp, o);
      }
    });
    return present;
  }

  /** The end offset of every partition of {@code topic}. */
  Map<TopicPartition, Long> endOffsets(String topic) {
    Map<String, Object> config = new HashMap<>(broker.clientProperties());
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      return consumer.endOffsets(partitions, TIMEOUT);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    admin.close(Duration.ofSeconds(5));
  }

  private static boolean reached(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
    Set<TopicPartition> partitions = end.keySet();
    for (TopicPartition tp : partitions) {
      if (consumer.position(tp, TIMEOUT) < end.get(tp)) {
        return false;
      }
    }
    return true;
  }

  private static <T> T get(Future<T> future) {
    try {
      return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("Kafka call failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("Kafka call did not finish within " + TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** A reply and the partition of topic 2 it was read from. */
  record PartitionReply(int partition, Reply reply) {
  }
}

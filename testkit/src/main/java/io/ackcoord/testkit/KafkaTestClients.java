package io.ackcoord.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Short-lived Kafka clients for tests: create topics, write raw (also malformed) records, read a topic back.
 * Each call opens and closes its own client, so a test never shares client state with the code it checks, and
 * every call is bounded by a timeout: a broken broker fails the test instead of hanging it.
 */
public final class KafkaTestClients {

  /** Bound on admin and produce calls; the broker answers these in milliseconds when healthy. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  /** How long one poll may block; short, so deadlines are kept to within this. */
  private static final Duration POLL_SLICE = Duration.ofMillis(200);
  /** Records listed in a failure message. */
  private static final int RECORDS_IN_MESSAGE = 20;

  private KafkaTestClients() {}

  /**
   * Creates topics with {@code partitions} partitions and the broker's default replication, and waits until
   * clients can see them. A topic that already exists is fine (tests re-run, fixtures overlap).
   */
  public static void createTopics(String bootstrapServers, int partitions, String... topics) {
    List<NewTopic> newTopics = new ArrayList<>();
    for (String topic : topics) {
      newTopics.add(new NewTopic(topic, Optional.of(partitions), Optional.empty()));
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "testkit-admin");
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(newTopics).values().forEach((topic, future) -> {
        try {
          future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + topic + " on " + bootstrapServers, e.getCause());
          }
        } catch (TimeoutException e) {
          throw new IllegalStateException("creating topic " + topic + " took over " + CALL_TIMEOUT, e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while creating topic " + topic, e);
        }
      });
    }
    // The controller has the topics; the broker's metadata may lag a moment behind. Wait, so the next call of
    // the test does not see "unknown topic".
    try (KafkaConsumer<byte[], byte[]> consumer = newConsumer(bootstrapServers, IsolationLevel.READ_UNCOMMITTED,
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      long deadline = deadline(CALL_TIMEOUT);
      for (String topic : topics) {
        partitionsOf(consumer, topic, deadline);
      }
    }
  }

  /**
   * Reads {@code topic} from the beginning up to the end offsets taken when this method starts, so it always
   * terminates: records written meanwhile are not included. With {@link IsolationLevel#READ_COMMITTED} the end
   * is the last stable offset and aborted or open transactions are skipped, as a transactional consumer sees it.
   *
   * @return keys and values as UTF-8 strings, partition by partition in offset order
   * @throws IllegalStateException if the end is not reached within {@code timeout}
   */
  public static List<ConsumerRecord<String, String>> readAll(
      String bootstrapServers, String topic, IsolationLevel isolation, Duration timeout) {
    return readAll(bootstrapServers, topic, isolation, timeout, new StringDeserializer(), new StringDeserializer());
  }

  /** {@link #readAll(String, String, IsolationLevel, Duration)} with deserializers of the caller's choice. */
  public static <K, V> List<ConsumerRecord<K, V>> readAll(String bootstrapServers, String topic,
      IsolationLevel isolation, Duration timeout, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
    long deadline = deadline(timeout);
    try (KafkaConsumer<K, V> consumer = newConsumer(bootstrapServers, isolation, keyDeserializer, valueDeserializer)) {
      List<TopicPartition> partitions = partitionsOf(consumer, topic, deadline);
      consumer.assign(partitions);
      Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions, remaining(deadline));
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, List<ConsumerRecord<K, V>>> byPartition = new HashMap<>();
      while (!reachedEnd(consumer, endOffsets, deadline)) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("readAll(" + topic + ") did not reach end offsets " + endOffsets
              + " within " + timeout + "; positions: " + positions(consumer, partitions));
        }
        for (ConsumerRecord<K, V> record : consumer.poll(POLL_SLICE)) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          if (record.offset() < endOffsets.get(partition)) {
            byPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(record);
          }
        }
      }
      List<ConsumerRecord<K, V>> records = new ArrayList<>();
      partitions.stream()
          .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
          .forEach(partition -> records.addAll(byPartition.getOrDefault(partition, List.of())));
      return records;
    }
  }

  /**
   * Reads {@code topic} from the beginning, accumulating records, until {@code condition} holds for all
   * records read so far; for results the code under test writes asynchronously.
   *
   * @return the records read when the condition first held
   * @throws AssertionError if it does not hold within {@code timeout}; the message lists what was read
   */
  public static List<ConsumerRecord<String, String>> awaitRecords(String bootstrapServers, String topic,
      IsolationLevel isolation, Predicate<List<ConsumerRecord<String, String>>> condition, Duration timeout) {
    long deadline = deadline(timeout);
    try (KafkaConsumer<String, String> consumer = newConsumer(bootstrapServers, isolation,
        new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = partitionsOf(consumer, topic, deadline);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      List<ConsumerRecord<String, String>> view = Collections.unmodifiableList(records);
      while (!condition.test(view)) {
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("records of " + topic + " did not satisfy the condition within " + timeout
              + "; read " + records.size() + ": " + summary(records));
        }
        consumer.poll(POLL_SLICE).forEach(records::add);
      }
      return List.copyOf(records);
    }
  }

  /**
   * Writes one record exactly as given, bypassing any serializer: for malformed or foreign records the code
   * under test must survive. Waits for the broker's acknowledgement ({@code acks=all}).
   *
   * @param key     key bytes, may be {@code null}
   * @param value   value bytes, may be {@code null} (a tombstone)
   * @param headers headers, may be empty
   */
  public static RecordMetadata produceRaw(
      String bootstrapServers, String topic, byte[] key, byte[] value, Iterable<Header> headers) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "testkit-raw-producer");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
    // One record, sent at once: no linger (Kafka 4 lingers 5 ms by default, and delivery.timeout.ms must then be
    // at least linger.ms + request.timeout.ms).
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
    try (KafkaProducer<byte[], byte[]> producer =
             new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      return producer.send(new ProducerRecord<>(topic, null, key, value, headers))
          .get(CALL_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write to " + topic + " on " + bootstrapServers, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("write to " + topic + " not acknowledged within " + CALL_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to " + topic, e);
    }
  }

  private static <K, V> KafkaConsumer<K, V> newConsumer(String bootstrapServers, IsolationLevel isolation,
      Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "testkit-reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString().toLowerCase(Locale.ROOT));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // assigned, never in a group: commits nothing
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new KafkaConsumer<>(props, keyDeserializer, valueDeserializer);
  }

  /** Waits (bounded by {@code deadline}) until the topic's partitions are in the client's metadata. */
  private static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, String topic, long deadline) {
    try {
      List<PartitionInfo> infos = Awaitility.await("partitions of topic " + topic)
          .atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
          .pollInSameThread() // KafkaConsumer is single-threaded
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> consumer.partitionsFor(topic, remaining(deadline)), found -> found != null && !found.isEmpty());
      return infos.stream()
          .map(info -> new TopicPartition(info.topic(), info.partition()))
          .collect(Collectors.toList());
    } catch (ConditionTimeoutException | org.apache.kafka.common.errors.TimeoutException e) {
      // The client's own metadata timeout (a loaded machine) says no more than the missing topic does.
      throw new IllegalStateException("topic " + topic + " does not exist (no partitions in metadata)", e);
    }
  }

  private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> endOffsets, long deadline) {
    for (Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
      if (consumer.position(end.getKey(), remaining(deadline)) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static String positions(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions) {
    return partitions.stream()
        .map(p -> p + "=" + consumer.position(p, POLL_SLICE))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private static String summary(List<ConsumerRecord<String, String>> records) {
    return records.stream()
        .limit(RECORDS_IN_MESSAGE)
        .map(r -> r.partition() + "@" + r.offset() + " " + r.key() + "=" + r.value())
        .collect(Collectors.joining(", ", "[", records.size() > RECORDS_IN_MESSAGE ? ", ...]" : "]"));
  }

  private static long deadline(Duration timeout) {
    return System.nanoTime() + timeout.toNanos();
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), deadline - System.nanoTime()));
  }
}

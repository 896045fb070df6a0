package io.ackcoord.producer;

import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.protocol.InvalidRecordException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Ledger} on a compacted Kafka topic. Each A writes to one partition (the index of its reply partition),
 * so recovery reads one partition, not the whole topic. Writes share A's idempotent {@code acks=all} producer.
 */
final class KafkaLedger implements Ledger {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaLedger.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final Vertx vertx;
  private final KafkaSender producer;
  private final TopicPartition partition;
  private final String producerId;
  private final Map<String, Object> consumerConfig;
  private final Duration recoveryTimeout;

  /**
   * @param consumerConfig config for the one-off consumer that reads the partition back (bootstrap, security)
   */
  KafkaLedger(Vertx vertx, KafkaSender producer, TopicPartition partition, String producerId,
      Map<String, String> consumerConfig, Duration recoveryTimeout) {
    this.vertx = vertx;
    this.producer = producer;
    this.partition = partition;
    this.producerId = producerId;
    this.consumerConfig = new HashMap<>(consumerConfig);
    this.recoveryTimeout = recoveryTimeout;
  }

  @Override
  public Future<Void> record(LedgerEntry entry) {
    return producer.send(LedgerCodec.toRecord(partition.topic(), partition.partition(), entry)).mapEmpty();
  }

  @Override
  public Future<Void> forget(String id) {
    return producer.send(LedgerCodec.tombstone(partition.topic(), partition.partition(), producerId, id))
        .mapEmpty();
  }

  // Reading to the end is a loop of blocking polls: it runs on a worker, once, before A takes messages.
  @Override
  public Future<List<LedgerEntry>> recover() {
    return vertx.executeBlocking(this::readPartition, false);
  }

  private List<LedgerEntry> readPartition() {
    Map<String, Object> config = new HashMap<>(consumerConfig);
    config.remove("group.id");
    config.put("enable.auto.commit", "false");
    config.put("isolation.level", "read_committed");
    config.put("client.id", "ackcoord-a-" + producerId + "-ledger-recovery");
    Map<String, LedgerEntry> live = new LinkedHashMap<>();
    int invalid = 0;
    long deadline = System.nanoTime() + recoveryTimeout.toNanos();
    try (KafkaConsumer<String, byte[]> consumer =
             new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), recoveryTimeout).get(partition);
      while (consumer.position(partition, recoveryTimeout) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("ledger " + partition + " not read to offset " + end + " within "
              + recoveryTimeout);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          if (r.offset() >= end || !producerId.equals(LedgerCodec.producerOf(r.key()))) {
            continue;
          }
          String id = LedgerCodec.idOf(r.key());
          if (r.value() == null) {
            live.remove(id);
            continue;
          }
          try {
            live.put(id, LedgerCodec.fromRecord(r));
          } catch (InvalidRecordException e) {
            invalid++;
            LOG.warn("Skipping unreadable ledger record at {}/{}: {}", partition, r.offset(), e.getMessage());
          }
        }
      }
    }
    LOG.info("Ledger {}: {} message(s) of producer {} still pending{}", partition, live.size(), producerId,
        invalid == 0 ? "" : " (" + invalid + " unreadable record(s) skipped)");
    return new ArrayList<>(live.values());
  }
}

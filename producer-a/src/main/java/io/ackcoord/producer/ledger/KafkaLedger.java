package io.ackcoord.producer.ledger;

import io.ackcoord.kafka.ClientConfig;
import io.ackcoord.kafka.KafkaClientFactory;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.protocol.SafeText;
import io.ackcoord.time.Clock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Ledger} on a compacted Kafka topic. Each A writes to one partition (the index of its reply partition),
 * so recovery reads one partition, not the whole topic. Writes share A's idempotent {@code acks=all} producer.
 *
 * <p>Entries go out in batches, one record per event-loop turn for all the messages accepted or re-sent in it, and
 * one end record per turn names the messages that became final; {@link LedgerBatches} decides which record holds
 * which message and when a record is tombstoned. Recovery reads
 * every version {@link LedgerCodec} knows, so an A upgraded on a ledger of per-message records resumes them.
 */
public final class KafkaLedger implements Ledger {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaLedger.class);
  private static final Duration POLL = Duration.ofMillis(200);
  /** Most entries in one batch record. */
  static final int BATCH_MAX_ENTRIES = 1000;
  /** Batch records are cut at this size, far below the broker's and the producer's 1 MiB defaults. */
  static final int BATCH_MAX_BYTES = 256 * 1024;
  /**
   * Batches that lose members are rewritten after this long (see {@link LedgerBatches}), so that one long-pending
   * message does not keep old batches, and every end record written after them, in the topic.
   */
  static final long REWRITE_AFTER_MILLIS = Duration.ofHours(1).toMillis();
  private static final long SWEEP_MILLIS = Duration.ofMinutes(1).toMillis();
  private static final long RETRY_MILLIS = 1000;

  private final Vertx vertx;
  private final KafkaSender producer;
  private final TopicPartition partition;
  private final String producerId;
  private final ClientConfig recoveryConfig;
  private final Duration recoveryTimeout;
  private final Function<String, Optional<LedgerEntry>> current;
  private final LedgerBatches batches;

  /**
   * @param recoveryConfig config for the one-off consumer that reads the partition back: read_committed, by
   *                       assign, nothing committed
   * @param current        a pending message's entry as it is now, for rewriting old batches; empty once final
   */
  public KafkaLedger(Vertx vertx, KafkaSender producer, TopicPartition partition, String producerId,
      ClientConfig recoveryConfig, Duration recoveryTimeout, Clock clock,
      Function<String, Optional<LedgerEntry>> current) {
    this.vertx = vertx;
    this.producer = producer;
    this.partition = partition;
    this.producerId = producerId;
    this.recoveryConfig = recoveryConfig;
    this.recoveryTimeout = recoveryTimeout;
    this.current = current;
    Context context = vertx.getOrCreateContext();
    // Unique per start, so no batch of this run takes the key of one an earlier run left live.
    String run = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
    this.batches = new LedgerBatches(producerId, run, new LedgerBatches.Writes() {
      @Override
      public Future<Void> write(String key, List<LedgerEntry> entries) {
        return producer.send(LedgerCodec.batchRecord(partition.topic(), partition.partition(), key, entries))
            .mapEmpty();
      }

      @Override
      public Future<Void> end(String key, List<String> ids) {
        return producer.send(LedgerCodec.endRecord(partition.topic(), partition.partition(), key, ids))
            .mapEmpty();
      }

      @Override
      public void tombstone(String key) {
        producer.send(LedgerCodec.tombstone(partition.topic(), partition.partition(), key)).onFailure(err ->
            LOG.warn("Ledger tombstone {} failed (it stays in the ledger until a restart takes it over): {}",
                SafeText.forLog(key), err.getMessage()));
      }

      @Override
      public void schedule(long delayMillis, Runnable task) {
        vertx.setTimer(Math.max(1, delayMillis), id -> task.run());
      }
    }, clock, task -> context.runOnContext(v -> task.run()), BATCH_MAX_ENTRIES, BATCH_MAX_BYTES,
        REWRITE_AFTER_MILLIS, RETRY_MILLIS);
  }

  @Override
  public Future<Void> record(LedgerEntry entry) {
    return batches.add(entry);
  }

  @Override
  public void forget(String id) {
    batches.forget(id);
  }

  // Reading to the end is a loop of blocking polls: it runs on a worker, once, before A takes messages.
  @Override
  public Future<List<LedgerEntry>> recover() {
    return vertx.executeBlocking(this::readPartition, false).map(read -> {
      read.holders().forEach((key, ids) -> batches.adopt(key, ids, read.members().getOrDefault(key, ids.size())));
      read.ends().forEach(batches::adoptEnd);
      vertx.setPeriodic(SWEEP_MILLIS, SWEEP_MILLIS, id -> rewriteStale());
      return read.entries();
    });
  }

  private void rewriteStale() {
    List<String> ids = batches.stale();
    if (!ids.isEmpty()) {
      LOG.info("Rewriting {} pending message(s) out of ledger batches older than {} ms", ids.size(),
          REWRITE_AFTER_MILLIS);
    }
    for (String id : ids) {
      current.apply(id).ifPresentOrElse(
          e -> batches.add(e).onFailure(err -> LOG.warn("Ledger rewrite of {} failed: {}", SafeText.forLog(id),
              err.getMessage())),
          () -> batches.forget(id));
    }
  }

  LedgerReplay.Result readPartition() {
    LedgerReplay replay = new LedgerReplay(producerId);
    long deadline = System.nanoTime() + recoveryTimeout.toNanos();
    try (KafkaConsumer<String, byte[]> consumer =
             KafkaClientFactory.newConsumer(recoveryConfig, new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), recoveryTimeout).get(partition);
      while (consumer.position(partition, recoveryTimeout) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("ledger " + partition + " not read to offset " + end + " within "
              + recoveryTimeout);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          if (r.offset() < end) {
            replay.accept(r);
          }
        }
      }
    }
    LedgerReplay.Result read = replay.result();
    LOG.info("Ledger {}: {} message(s) of producer {} still pending in {} record(s){}", partition,
        read.entries().size(), producerId, read.holders().size(),
        replay.invalid() == 0 ? "" : " (" + replay.invalid() + " unreadable record(s) skipped)");
    return read;
  }
}

package io.ackcoord.producer.ledger;

import io.ackcoord.kafka.ClientConfig;
import io.ackcoord.kafka.KafkaClientFactory;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.producer.ids.Receipts;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.InvalidRecordException;
import io.ackcoord.protocol.SafeText;
import io.ackcoord.time.Clock;
import io.ackcoord.tracing.TraceHeaders;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.OffsetSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Ledger} on a compacted Kafka topic: checkpoints ({@link Checkpointer}, {@link CheckpointCodec}) in one
 * partition per A (the index of its reply partition), written with A's idempotent {@code acks=all} producer.
 *
 * <p>Recovery reads that partition, takes the newest whole checkpoint, and reads topic 1 and the dead-letter topic
 * from the offsets it names ({@link RecoveryMerge}). A ledger of an earlier version (batches, end records, records
 * per message) has no checkpoint: its entries are taken as they are ({@link LedgerReplay}, complete since that
 * version wrote them before each 202), and its records are tombstoned once the first checkpoint is durable.
 */
public final class KafkaLedger implements Ledger {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaLedger.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final Vertx vertx;
  private final KafkaSender producer;
  private final KafkaAdminClient admin;
  private final TopicPartition partition;
  private final String producerId;
  private final String messages;
  private final String deadLetters;
  private final int messagePartitions;
  private final int deadLetterPartitions;
  private final ClientConfig recoveryConfig;
  private final Duration recoveryTimeout;
  private final Clock clock;
  private final long intervalMillis;
  // Set by recover(), used by start().
  private Receipts receipts;
  private long lastSeq;
  private int[] chunksInSet = new int[2];
  private List<String> legacyKeys = List.of();
  private Checkpointer checkpointer;

  /**
   * @param recoveryConfig config for the one-off consumers that read the ledger and the topics back: by assign,
   *                       nothing committed
   * @param intervalMillis the shortest interval between checkpoints ({@code ledger.checkpoint.interval.ms})
   */
  public KafkaLedger(Vertx vertx, KafkaSender producer, KafkaAdminClient admin, TopicPartition partition,
      String producerId, String messages, int messagePartitions, String deadLetters, int deadLetterPartitions,
      ClientConfig recoveryConfig, Duration recoveryTimeout, Clock clock, long intervalMillis) {
    this.vertx = vertx;
    this.producer = producer;
    this.admin = admin;
    this.partition = partition;
    this.producerId = producerId;
    this.messages = messages;
    this.messagePartitions = messagePartitions;
    this.deadLetters = deadLetters;
    this.deadLetterPartitions = deadLetterPartitions;
    this.recoveryConfig = recoveryConfig;
    this.recoveryTimeout = recoveryTimeout;
    this.clock = clock;
    this.intervalMillis = intervalMillis;
  }

  // Reading to the end is a loop of blocking polls: it runs on a worker, once, before A takes messages.
  @Override
  public Future<Recovered> recover(RecoveryMerge.Timeouts timeouts) {
    return vertx.executeBlocking(() -> read(timeouts), false);
  }

  @Override
  public Future<Void> start(CheckpointSource source, WriteBarrier barrier) {
    checkpointer = new Checkpointer(producerId, partition.topic(), partition.partition(), receipts.k0(),
        receipts.k1(), io(), source, barrier, clock, intervalMillis, lastSeq, chunksInSet);
    return checkpointer.start().onSuccess(v -> {
      // The checkpoint now holds what these records held: compaction may drop them.
      if (!legacyKeys.isEmpty()) {
        LOG.info("Ledger {}: the first checkpoint holds the {} record(s) of the earlier ledger format; "
            + "tombstoning them", partition, legacyKeys.size());
        legacyKeys.forEach(this::tombstone);
        legacyKeys = List.of();
      }
    });
  }

  @Override
  public void stop() {
    if (checkpointer != null) {
      checkpointer.stop();
    }
  }

  private Checkpointer.Io io() {
    return new Checkpointer.Io() {
      @Override
      public Future<Checkpointer.Ends> endOffsets() {
        Map<io.vertx.kafka.client.common.TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < messagePartitions; p++) {
          request.put(new io.vertx.kafka.client.common.TopicPartition(messages, p), OffsetSpec.LATEST);
        }
        for (int p = 0; p < deadLetterPartitions; p++) {
          request.put(new io.vertx.kafka.client.common.TopicPartition(deadLetters, p), OffsetSpec.LATEST);
        }
        return admin.listOffsets(request).map(result -> {
          Map<Integer, Long> m = new HashMap<>();
          Map<Integer, Long> d = new HashMap<>();
          result.forEach((tp, info) -> (tp.getTopic().equals(messages) ? m : d).put(tp.getPartition(),
              info.getOffset()));
          return new Checkpointer.Ends(m, d);
        });
      }

      @Override
      public Future<Void> write(org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> record) {
        return producer.send(record).mapEmpty();
      }

      @Override
      public void tombstone(String key) {
        KafkaLedger.this.tombstone(key);
      }

      @Override
      public long schedule(long delayMillis, Runnable task) {
        return vertx.setTimer(Math.max(1, delayMillis), id -> task.run());
      }

      @Override
      public void cancel(long timerId) {
        vertx.cancelTimer(timerId);
      }
    };
  }

  private void tombstone(String key) {
    producer.send(LedgerCodec.tombstone(partition.topic(), partition.partition(), key)).onFailure(err ->
        LOG.warn("Ledger tombstone {} failed (the record stays until compaction or a later restart): {}",
            SafeText.forLog(key), err.getMessage()));
  }

  Recovered read(RecoveryMerge.Timeouts timeouts) {
    long deadline = System.nanoTime() + recoveryTimeout.toNanos();
    LedgerReplay legacy = new LedgerReplay(producerId);
    Map<String, ConsumerRecord<String, byte[]>> checkpointRecords = new HashMap<>();
    Set<String> liveLegacy = new LinkedHashSet<>();
    readToEnd(List.of(partition), Map.of(), deadline, r -> {
      if (!producerId.equals(LedgerCodec.producerOf(r.key()))) {
        return;
      }
      if (CheckpointCodec.isCheckpointKey(r.key())) {
        if (r.value() == null) {
          checkpointRecords.remove(r.key());
        } else {
          checkpointRecords.put(r.key(), r);
        }
        return;
      }
      legacy.accept(r);
      if (r.value() == null) {
        liveLegacy.remove(r.key());
      } else {
        liveLegacy.add(r.key());
      }
    });
    legacyKeys = new ArrayList<>(liveLegacy);
    Found found = newest(producerId, partition, checkpointRecords);
    chunksInSet = found.chunksInSet();
    CheckpointHead head = found.head();
    if (head == null) {
      receipts = Receipts.random();
      lastSeq = 0;
      List<LedgerEntry> entries = legacy.result().entries();
      LOG.info("Ledger {}: no checkpoint of producer {}; {} message(s) pending in the earlier ledger format{}",
          partition, producerId, entries.size(),
          legacy.invalid() == 0 ? "" : " (" + legacy.invalid() + " unreadable record(s) skipped)");
      return new Recovered(entries, receipts, -1);
    }
    receipts = new Receipts(head.k0(), head.k1());
    lastSeq = head.seq();
    RecoveryMerge merge = new RecoveryMerge(producerId, receipts.copy(), timeouts, found.entries());
    long sent = scan(messages, messagePartitions, head.messageEnds(), deadline, (r, env) ->
        merge.sent(env, new Position(r.partition(), r.offset()), TraceHeaders.of(r)));
    long letters = scan(deadLetters, deadLetterPartitions, head.deadLetterEnds(), deadline, (r, env) ->
        merge.deadLettered(env.id(), env.producerId(), env.createdAtMillis(), env.attempt(), letterProof(r)));
    List<LedgerEntry> entries = merge.result();
    LOG.info("Ledger {}: checkpoint {} of producer {} ({} message(s)), plus {} record(s) of topic 1 and {} dead "
            + "letter(s) since: {} message(s) pending{}", partition, head.seq(), producerId, head.pending(), sent,
        letters, entries.size(), merge.ignored() == 0 ? ""
            : "; " + merge.ignored() + " record(s) naming this producer without its receipt ignored");
    return new Recovered(entries, receipts, head.replyOffset());
  }

  private static long letterProof(ConsumerRecord<String, byte[]> r) {
    Header h = r.headers().lastHeader(Receipts.LETTER_PROOF_HEADER);
    if (h == null || h.value() == null) {
      return 0;
    }
    try {
      return Long.parseLong(new String(h.value(), StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The newest checkpoint whose chunks are all there, and how many chunks each key set holds. */
  record Found(CheckpointHead head, List<LedgerEntry> entries, int[] chunksInSet) {
  }

  /** @param records the live checkpoint records of {@code producerId} in a ledger partition, by key */
  static Found newest(String producerId, TopicPartition partition,
      Map<String, ConsumerRecord<String, byte[]>> records) {
    int[] chunksInSet = new int[2];
    for (String key : records.keySet()) {
      int set = CheckpointCodec.setOf(key);
      int index = CheckpointCodec.chunkIndexOf(key);
      if (set >= 0 && index >= 0) {
        chunksInSet[set] = Math.max(chunksInSet[set], index + 1);
      }
    }
    CheckpointHead best = null;
    List<LedgerEntry> bestEntries = null;
    for (int set = 0; set < 2; set++) {
      ConsumerRecord<String, byte[]> h = records.get(CheckpointCodec.headKey(producerId, set));
      if (h == null) {
        continue;
      }
      try {
        CheckpointHead head = CheckpointCodec.fromHead(h);
        if (best != null && best.seq() >= head.seq()) {
          continue;
        }
        List<LedgerEntry> entries = new ArrayList<>();
        boolean whole = true;
        for (int i = 0; i < head.chunks() && whole; i++) {
          ConsumerRecord<String, byte[]> c = records.get(CheckpointCodec.chunkKey(producerId, set, i));
          CheckpointCodec.Chunk chunk = c == null ? null : CheckpointCodec.fromChunk(c);
          whole = chunk != null && chunk.seq() == head.seq();
          if (whole) {
            entries.addAll(chunk.entries());
          }
        }
        if (whole) {
          best = head;
          bestEntries = entries;
        } else {
          // Expected after a crash while this set was rewritten: the other set has the previous checkpoint.
          LOG.info("Ledger {}: checkpoint {} of producer {} is incomplete; using the other one", partition,
              head.seq(), producerId);
        }
      } catch (InvalidRecordException e) {
        LOG.warn("Ledger {}: unreadable checkpoint record of producer {} skipped: {}", partition, producerId,
            SafeText.forLog(e.getMessage()));
      }
    }
    return new Found(best, bestEntries == null ? List.of() : bestEntries, chunksInSet);
  }

  /** Reads {@code topic} from {@code from} (per partition; the beginning where absent) to its end now. */
  private long scan(String topic, int partitions, Map<Integer, Long> from, long deadline,
      BiConsumer<ConsumerRecord<String, byte[]>, Envelope> each) {
    List<TopicPartition> all = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      all.add(new TopicPartition(topic, p));
    }
    long[] read = {0};
    readToEnd(all, from, deadline, r -> {
      try {
        each.accept(r, EnvelopeCodec.fromRecord(r));
        read[0]++;
      } catch (InvalidRecordException e) {
        // Not an ackcoord record (or not a readable one): it names no message of this A.
        LOG.debug("Skipping unreadable record {}-{}/{} during recovery: {}", r.topic(), r.partition(), r.offset(),
            e.getMessage());
      }
    });
    return read[0];
  }

  private void readToEnd(List<TopicPartition> partitions, Map<Integer, Long> from, long deadline,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> each) {
    try (KafkaConsumer<String, byte[]> consumer =
             KafkaClientFactory.newConsumer(recoveryConfig, new ByteArrayDeserializer())) {
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, recoveryTimeout);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, recoveryTimeout);
      Map<TopicPartition, Long> starts = new HashMap<>();
      for (TopicPartition tp : partitions) {
        long start = Math.max(begin.get(tp), from.getOrDefault(tp.partition(), 0L));
        if (start < end.get(tp)) {
          starts.put(tp, start);
        }
      }
      List<TopicPartition> open = new ArrayList<>(starts.keySet());
      consumer.assign(open);
      starts.forEach(consumer::seek);
      while (!open.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(partitions.get(0).topic() + " not read to its end " + end + " within "
              + recoveryTimeout);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() < end.get(tp)) {
            each.accept(r);
          }
        }
        // Re-assigning keeps the positions of the partitions that stay.
        if (open.removeIf(tp -> consumer.position(tp, recoveryTimeout) >= end.get(tp))) {
          consumer.assign(open);
        }
      }
    }
  }
}

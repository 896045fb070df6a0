package io.ackcoord.testkit;

import io.ackcoord.kafka.TopicNames;
import io.ackcoord.protocol.InvalidRecordException;
import io.ackcoord.protocol.ReplyCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the topics of an ackcoord deployment (running or stopped) and balances the books: every accepted id must
 * have an effect on the results topic or a dead letter, no id more than one effect, no effect without a
 * submission, and nothing left pending. Reads with {@code read_committed}, as a downstream consumer would.
 *
 * <p>Used by the chaos suite, the benchmark and {@code bin/verify}.
 */
public final class BooksChecker {

  private static final int SAMPLES = 5;

  private final String bootstrap;
  private final TopicNames topics;
  private final Duration timeout;

  /** @param topicPrefix the deployment's {@code topic.prefix} */
  public BooksChecker(String bootstrap, String topicPrefix, Duration timeout) {
    this.bootstrap = bootstrap;
    this.topics = new TopicNames(topicPrefix);
    this.timeout = timeout;
  }

  /**
   * Balances the books.
   *
   * @param accepted      ids the callers were told were accepted; {@code null} takes every id on topic 1
   * @param submitted     every id a caller tried to submit, accepted or not; {@code null} means {@code accepted}
   * @param consumerGroup B's consumer group, whose uncommitted records (in share mode: unacknowledged) count as stuck;
   *                      {@code null} skips that
   */
  public Books check(Set<String> accepted, Set<String> submitted, String consumerGroup) {
    List<ConsumerRecord<String, byte[]>> messages = read(topics.messages());
    Set<String> onTopic1 = messages.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    Set<String> acceptedIds = accepted != null ? accepted : onTopic1;
    Set<String> submittedIds = submitted != null ? submitted : acceptedIds;

    Map<String, Integer> effects = new HashMap<>();
    read(topics.results()).forEach(r -> effects.merge(r.key(), 1, Integer::sum));
    Set<String> dead = read(topics.deadLetters()).stream().map(ConsumerRecord::key).collect(Collectors.toSet());

    Map<String, List<String>> samples = new LinkedHashMap<>();
    Set<String> lost = new HashSet<>(acceptedIds);
    lost.removeAll(effects.keySet());
    lost.removeAll(dead);
    sample(samples, "lost", lost);
    int duplicates = 0;
    Set<String> duplicated = new HashSet<>();
    for (Map.Entry<String, Integer> e : effects.entrySet()) {
      if (e.getValue() > 1) {
        duplicates += e.getValue() - 1;
        duplicated.add(e.getKey() + "×" + e.getValue());
      }
    }
    sample(samples, "duplicate effects", duplicated);
    Set<String> unexpected = new HashSet<>(effects.keySet());
    unexpected.removeAll(submittedIds);
    sample(samples, "unexpected", unexpected);
    Set<String> indeterminate = new HashSet<>(effects.keySet());
    indeterminate.retainAll(submittedIds);
    indeterminate.removeAll(acceptedIds);

    long pendingInLedger = livingLedgerEntries();
    long lag = consumerGroup == null ? 0 : lag(consumerGroup);
    if (pendingInLedger > 0) {
      samples.put("stuck", List.of(pendingInLedger + " live ledger records", lag + " uncommitted records"));
    } else if (lag > 0) {
      samples.put("stuck", List.of(lag + " uncommitted records on " + topics.messages()));
    }
    Set<String> deadOnly = new HashSet<>(dead);
    deadOnly.retainAll(acceptedIds);
    deadOnly.removeAll(effects.keySet());
    return new Books(acceptedIds.size(), effects.size(), deadOnly.size(), lost.size(), duplicates,
        unexpected.size(), pendingInLedger + lag, indeterminate.size(), messages.size() - (long) onTopic1.size(),
        replies(), samples);
  }

  /** Replies on topic 2: each entry of a batch record (v2) counts, an unreadable record once. */
  private long replies() {
    long replies = 0;
    for (ConsumerRecord<String, byte[]> r : read(topics.acks())) {
      try {
        ReplyCodec.Decoded decoded = ReplyCodec.decodeAll(r.value());
        replies += decoded.replies().size() + decoded.invalid().size();
      } catch (InvalidRecordException e) {
        replies++;
      }
    }
    return replies;
  }

  /**
   * Messages A's ledger still holds: what the newest checkpoint of each producer counts (the head written last, which
   * names its count in a readable header), plus live records of the earlier ledger format.
   */
  private long livingLedgerEntries() {
    Map<String, Boolean> live = new HashMap<>();
    Map<String, Long> newestHead = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : read(topics.ledger())) {
      String key = r.key();
      int bar = key == null ? -1 : key.indexOf('|');
      if (bar > 0 && key.startsWith("|~", bar)) {
        Header pending = r.headers().lastHeader("ackcoord-checkpoint-pending");
        if (pending != null && key.indexOf('.', bar) < 0) {
          newestHead.put(key.substring(0, bar), Long.parseLong(new String(pending.value(), StandardCharsets.US_ASCII)));
        }
        continue;
      }
      live.put(key, r.value() != null);
    }
    return live.values().stream().filter(Boolean::booleanValue).count()
        + newestHead.values().stream().mapToLong(Long::longValue).sum();
  }

  private long lag(String group) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (committed.isEmpty()) {
        Long shareLag = shareLag(admin, group);
        if (shareLag != null) {
          return shareLag;
        }
      }
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      int partitions = admin.describeTopics(List.of(topics.messages())).allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topics.messages()).partitions().size();
      for (int p = 0; p < partitions; p++) {
        request.put(new TopicPartition(topics.messages(), p), OffsetSpec.latest());
      }
      long lag = 0;
      for (var e : admin.listOffsets(request).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        lag += e.getValue().offset() - (c == null ? 0 : c.offset());
      }
      return lag;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the lag of " + group, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the lag of group " + group + ": " + e.getMessage(), e);
    }
  }

  /**
   * Records of topic 1 a share group (B's {@code consumer.mode = share}) has not acknowledged yet, as the broker counts
   * them; {@code null} when {@code group} is no share group.
   */
  private Long shareLag(Admin admin, String group) throws InterruptedException, TimeoutException {
    Map<TopicPartition, SharePartitionOffsetInfo> offsets;
    try {
      offsets = admin.listShareGroupOffsets(Map.of(group, new ListShareGroupOffsetsSpec()))
          .partitionsToOffsetInfo(group).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return null;
    }
    if (offsets == null || offsets.isEmpty()) {
      return null;
    }
    return offsets.entrySet().stream()
        .filter(e -> e.getKey().topic().equals(topics.messages()) && e.getValue() != null)
        .mapToLong(e -> e.getValue().lag().orElse(0L))
        .sum();
  }

  private List<ConsumerRecord<String, byte[]>> read(String topic) {
    return KafkaTestClients.readAll(bootstrap, topic, IsolationLevel.READ_COMMITTED, timeout,
        new StringDeserializer(), new ByteArrayDeserializer());
  }

  private static void sample(Map<String, List<String>> samples, String figure, Set<String> ids) {
    if (!ids.isEmpty()) {
      samples.put(figure, ids.stream().sorted().limit(SAMPLES).toList());
    }
  }
}

package io.ackcoord.consumer;

import static io.ackcoord.consumer.TestEnvelopes.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.kafka.TopicAdmin;
import io.ackcoord.kafka.TopicNames;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.Reply;
import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.KafkaBrokerExtension;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * B under load: throughput with the default handler in both modes (the same run; the ratio is logged at the end),
 * and the in-flight limit holding.
 */
@ExtendWith({VertxExtension.class, KafkaBrokerExtension.class})
class ConsumerLoadIT {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoadIT.class);
  /** Messages of the throughput run; override with -Dackcoord.it.messages=N. */
  private static final int MESSAGES = Integer.getInteger("ackcoord.it.messages", 20_000);

  private BFixture fixture;
  private KafkaTestClient kafka;
  private Vertx vertx;
  private String prefix;
  private TopicNames topics;

  @BeforeEach
  void setUp(KafkaBroker broker, Vertx vertx, TestInfo test) {
    this.vertx = vertx;
    this.fixture = new BFixture(broker, test.getTestMethod().orElseThrow().getName());
    this.kafka = fixture.kafka;
    this.prefix = fixture.prefix;
    this.topics = fixture.topics;
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  /** Messages per second of each mode's run in this JVM, for the ratio logged at the end. */
  private static final Map<ProcessingGuarantee, Double> RATES = new EnumMap<>(ProcessingGuarantee.class);
  /** Messages of the latency run, and how fast they are sent. */
  private static final int LATENCY_MESSAGES = 300;
  /** The first messages warm the JIT and the connections up; they are sent but not counted. */
  private static final int LATENCY_WARM_UP = 50;
  private static final long LATENCY_INTERVAL_MS = 10;

  @AfterAll
  static void logRatio() {
    Double atLeastOnce = RATES.get(ProcessingGuarantee.AT_LEAST_ONCE);
    Double exactlyOnce = RATES.get(ProcessingGuarantee.EXACTLY_ONCE);
    if (atLeastOnce != null && exactlyOnce != null) {
      LOG.info("Throughput: at-least-once {} msg/s, exactly-once {} msg/s, exactly-once / at-least-once = {}",
          String.format("%.0f", atLeastOnce), String.format("%.0f", exactlyOnce),
          String.format("%.2f", exactlyOnce / atLeastOnce));
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ProcessingGuarantee.class)
  @DisplayName("a backlog of envelopes is processed once each and ACKed; the rate is logged (measured, not asserted)")
  void throughput(ProcessingGuarantee guarantee) {
    JsonObject config = config().put("processing.guarantee", guarantee.configValue());
    // The backlog is written before B starts, so the run measures B, not the producer.
    BFixture.await(TopicAdmin.ensureTopics(vertx, ConsumerOptions.parse(config).kafka()));
    byte[] payload = new byte[100];
    List<Envelope> envelopes = IntStream.range(0, MESSAGES)
        .mapToObj(i -> new Envelope("load-" + i, TestEnvelopes.PRODUCER, 1, 0, 0, i % 3, 30_000, null, payload))
        .toList();
    kafka.produce(envelopes.stream().map(e -> EnvelopeCodec.toRecord(topics.messages(), e)).toList());

    ConsumerVerticle measured = new ConsumerVerticle();
    deploy(measured, config);
    await().pollInterval(Duration.ofMillis(5)).until(() -> measured.stats().received() > 0);
    long start = System.nanoTime();
    await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(5))
        .until(() -> measured.stats().acksSent() >= MESSAGES);
    double seconds = (System.nanoTime() - start) / 1e9;
    RATES.put(guarantee, MESSAGES / seconds);
    LOG.info("B ({}) processed and ACKed {} messages in {} s: {} messages/s (default handler, work 0 ms, "
        + "3 partitions, max in flight {})", guarantee, MESSAGES, String.format("%.2f", seconds),
        String.format("%.0f", MESSAGES / seconds), ConsumerOptions.DEFAULT_MAX_IN_FLIGHT);

    Map<String, Long> results = kafka.countByKey(topics.results());
    assertThat(kafka.countMarked(topics.processed())).hasSize(MESSAGES);
    assertThat(results).hasSize(MESSAGES);
    assertThat(results.values()).containsOnly(1L);
    List<KafkaTestClient.PartitionReply> replies = kafka.replies(topics.acks());
    assertThat(replies).hasSize(MESSAGES).allSatisfy(r -> {
      assertThat(r.reply().type()).isEqualTo(Reply.Type.ACK);
      assertThat(r.partition()).isEqualTo(Integer.parseInt(r.reply().id().substring(5)) % 3);
    });
    // Committed records only: in exactly-once mode the transaction markers are not records a reader sees.
    LOG.info("B ({}) wrote the {} replies in {} records and the markers in {} records", guarantee, MESSAGES,
        kafka.readAll(topics.acks()).size(), kafka.readAll(topics.processed()).size());
    Map<TopicPartition, OffsetAndMetadata> everything = kafka.endOffsets(topics.messages()).entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())));
    await().untilAsserted(() -> assertThat(kafka.committed(prefix + "b")).isEqualTo(everything));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ProcessingGuarantee.class)
  @DisplayName("ACK latency at a steady 100 messages/s is logged (measured, not asserted)")
  void ackLatency(ProcessingGuarantee guarantee) throws Exception {
    ConsumerVerticle measured = new ConsumerVerticle();
    deploy(measured, config().put("processing.guarantee", guarantee.configValue()));
    Map<String, Long> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.ScheduledExecutorService pace =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CompletableFuture<Void> allSent = new java.util.concurrent.CompletableFuture<>();
    // A steady trickle, like live traffic: each message is timed from the moment it is handed to Kafka.
    pace.scheduleAtFixedRate(() -> {
      int i = next.getAndIncrement();
      if (i >= LATENCY_MESSAGES) {
        allSent.complete(null);
        return;
      }
      long now = System.currentTimeMillis();
      Envelope e = new Envelope("lat-" + i, TestEnvelopes.PRODUCER, 1, now, now, i % 3, 30_000, null, new byte[100]);
      sentAt.put(e.id(), now);
      kafka.produceAsync(EnvelopeCodec.toRecord(topics.messages(), e));
    }, 0, LATENCY_INTERVAL_MS, TimeUnit.MILLISECONDS);
    try {
      allSent.get(60, TimeUnit.SECONDS);
    } finally {
      pace.shutdownNow();
    }
    await().until(() -> measured.stats().acksSent() >= LATENCY_MESSAGES);

    // The reply record's timestamp is when B handed it to its producer (in exactly-once: inside the transaction).
    long[] latencies = kafka.readAll(topics.acks()).stream()
        .flatMap(r -> KafkaTestClient.repliesIn(r).stream().map(reply -> Map.entry(reply.id(), r.timestamp())))
        .filter(e -> Integer.parseInt(e.getKey().substring(4)) >= LATENCY_WARM_UP)
        .mapToLong(e -> e.getValue() - sentAt.get(e.getKey()))
        .sorted().toArray();
    assertThat(latencies).hasSize(LATENCY_MESSAGES - LATENCY_WARM_UP);
    LOG.info("B ({}) ACK latency at {} msg/s over {} messages: p50 {} ms, p95 {} ms, p99 {} ms, max {} ms",
        guarantee, 1000 / LATENCY_INTERVAL_MS, latencies.length, percentile(latencies, 50),
        percentile(latencies, 95), percentile(latencies, 99), latencies[latencies.length - 1]);
  }

  private static long percentile(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  @Test
  @DisplayName("fetching pauses at processing.max.in.flight and resumes when handlers finish")
  void backpressure() {
    Promise<Void> release = Promise.promise();
    MessageHandler held = m -> release.future();
    ConsumerVerticle b = new ConsumerVerticle(held);
    deploy(b, config().put("processing.max.in.flight", 10).put("topic.partitions", 1));

    kafka.produce(IntStream.range(0, 100)
        .mapToObj(i -> EnvelopeCodec.toRecord(topics.messages(), envelope("bp-" + i, 0, 30_000))).toList());

    await().until(() -> b.stats().inFlight() >= 10);
    // Soft limit: the poll already in hand (max.poll.records = the limit) may still arrive, nothing after it.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
        .until(() -> b.stats().received() <= 30);
    assertThat(b.stats().received()).isLessThan(100);

    vertx.runOnContext(v -> release.complete());

    await().until(() -> b.stats().acksSent() == 100);
    assertThat(kafka.replies(topics.acks())).hasSize(100);
  }

  private JsonObject config() {
    return fixture.config(ProcessingGuarantee.AT_LEAST_ONCE).put("shutdown.timeout.ms", 2_000);
  }

  private void deploy(ConsumerVerticle verticle, JsonObject config) {
    fixture.deploy(vertx, verticle, config);
  }

  private static ConditionFactory await() {
    return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100));
  }
}

package io.ackcoord.consumer;

import static io.ackcoord.consumer.TestEnvelopes.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.config.ConfigException;
import io.ackcoord.consumer.KafkaTestClient.PartitionReply;
import io.ackcoord.kafka.TopicNames;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.ProcessedMarker;
import io.ackcoord.protocol.Reply;
import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.KafkaBrokerExtension;
import io.ackcoord.testkit.KafkaTestClients;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Consumer B against a real broker: envelopes are written straight to topic 1 (no A), and every assertion reads
 * back what B wrote to Kafka (replies, results, poison, committed offsets).
 */
@ExtendWith({VertxExtension.class, KafkaBrokerExtension.class})
class ConsumerVerticleIT {

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

  @Test
  @DisplayName("envelopes are processed once and ACKed on the partition each names")
  void processesOnceAndAcksOnNamedPartition() {
    ConsumerVerticle b = deploy(new ConsumerVerticle(), config());
    List<Envelope> envelopes = IntStream.range(0, 30).mapToObj(i -> envelope("m" + i, i % 3, 30_000)).toList();

    send(envelopes);

    List<PartitionReply> replies = awaitReplies(30);
    assertThat(replies).extracting(r -> r.reply().type()).containsOnly(Reply.Type.ACK);
    assertThat(replies).allSatisfy(r ->
        assertThat(r.partition()).as("reply for %s", r.reply().id()).isEqualTo(replyPartitionOf(r.reply().id())));
    assertThat(replies).extracting(r -> r.reply().id())
        .containsExactlyInAnyOrderElementsOf(envelopes.stream().map(Envelope::id).toList());
    Map<String, Long> results = kafka.countByKey(topics.results());
    assertThat(results).hasSize(30).allSatisfy((id, n) -> assertThat(n).as("results for %s", id).isEqualTo(1));
    assertThat(b.stats().processed()).isEqualTo(30);
    // The counter moves when the send callback reaches B's event loop, a moment after readers can see the record.
    await().untilAsserted(() -> assertThat(b.stats().acksSent()).isEqualTo(30));
  }

  @Test
  @DisplayName("a copy of a processed id is ACKed again but not processed again")
  void duplicateIsAckedNotReprocessed() {
    ConsumerVerticle b = deploy(new ConsumerVerticle(), config());
    Envelope first = envelope("dup-1", 0, 30_000);
    send(List.of(first));
    awaitReplies(1);

    send(List.of(first.forAttempt(2, System.currentTimeMillis(), 30_000)));

    List<PartitionReply> replies = awaitReplies(2);
    assertThat(replies).extracting(r -> r.reply().type()).containsOnly(Reply.Type.ACK);
    assertThat(replies).extracting(r -> r.reply().attempt()).containsExactlyInAnyOrder(1, 2);
    assertThat(kafka.countByKey(topics.results())).containsExactly(Map.entry("dup-1", 1L));
    assertThat(b.stats().duplicates()).isEqualTo(1);
    assertThat(b.stats().processed()).isEqualTo(1);
  }

  @Test
  @DisplayName("the restore reads both marker versions: per-id (v1, written before batching) and batched (v2)")
  void restoresBothMarkerVersions() {
    KafkaTestClients.createTopics(fixture.broker.bootstrapServers(), 1, topics.messages(), topics.processed());
    kafka.produce(List.of(
        new ProducerRecord<>(topics.processed(), 0, "old-1",
            "{\"v\":1,\"id\":\"old-1\",\"attempt\":1,\"consumer\":\"b0\",\"at\":1}".getBytes()),
        ProcessedMarker.toRecord(topics.processed(), 0, "b0#run#0",
            List.of(new ProcessedMarker.Marked("new-1", 0), new ProcessedMarker.Marked("new-2", 0)), "b0", 1)));
    ConsumerVerticle b = deploy(new ConsumerVerticle(), config().put("topic.partitions", 1));

    send(List.of(envelope("old-1", 0, 30_000), envelope("new-2", 0, 30_000), envelope("fresh", 0, 30_000)));

    assertThat(awaitReplies(3)).extracting(r -> r.reply().type()).containsOnly(Reply.Type.ACK);
    assertThat(kafka.countByKey(topics.results())).containsOnlyKeys("fresh");
    assertThat(b.stats().duplicates()).isEqualTo(2);
    assertThat(kafka.countMarked(topics.processed())).containsOnlyKeys("old-1", "new-1", "new-2", "fresh");
  }

  @Test
  @DisplayName("a garbage record goes to poison and later valid records still flow")
  void garbageToPoisonThenValidFlows() {
    ConsumerVerticle b = deploy(new ConsumerVerticle(), config().put("topic.partitions", 1));
    ProducerRecord<String, byte[]> garbage = new ProducerRecord<>(topics.messages(), "junk",
        "{not an envelope".getBytes(StandardCharsets.UTF_8));
    garbage.headers().add("origin", "fuzzer".getBytes(StandardCharsets.UTF_8));
    kafka.produce(List.of(garbage));
    send(List.of(envelope("after-junk", 0, 30_000)));

    awaitReplies(1);
    await().untilAsserted(() -> assertThat(kafka.readAll(topics.poison())).hasSize(1));
    ConsumerRecord<String, byte[]> poison = kafka.readAll(topics.poison()).get(0);
    assertThat(poison.key()).isEqualTo("junk");
    assertThat(new String(poison.value(), StandardCharsets.UTF_8)).isEqualTo("{not an envelope");
    assertThat(header(poison, "origin")).isEqualTo("fuzzer");
    assertThat(header(poison, "ackcoord-error")).contains("missing header");
    assertThat(header(poison, "ackcoord-source")).isEqualTo(topics.messages() + "/0/0");
    assertThat(b.stats().poison()).isEqualTo(1);
    // Both offsets are committed: the poison record does not hold the partition back.
    await().untilAsserted(() -> assertThat(kafka.committed(groupId()))
        .containsEntry(new TopicPartition(topics.messages(), 0), new OffsetAndMetadata(2)));
  }

  @Test
  @DisplayName("envelopes of versions 1 and 3 are processed; one of a version this build does not read goes to poison")
  void unknownVersionToPoison() {
    ConsumerVerticle b = deploy(new ConsumerVerticle(), config().put("topic.partitions", 1));
    // A later build's envelope: the compact header with version byte 4.
    ProducerRecord<String, byte[]> v4 = EnvelopeCodec.toRecord(topics.messages(), envelope("v4", 0, 30_000));
    byte[] header = v4.headers().lastHeader(EnvelopeCodec.HEADER).value().clone();
    header[0] = 4;
    v4.headers().remove(EnvelopeCodec.HEADER).add(EnvelopeCodec.HEADER, header);
    // The previous build's envelope (eight readable headers), as left on the topic by an A not yet upgraded.
    ProducerRecord<String, byte[]> v1 = EnvelopeCodec.toReadableRecord(topics.messages(), envelope("v1", 0, 30_000));
    kafka.produce(List.of(v4, v1));
    send(List.of(envelope("v3", 0, 30_000)));

    assertThat(awaitReplies(2)).extracting(r -> r.reply().id()).containsExactlyInAnyOrder("v1", "v3");
    await().untilAsserted(() -> assertThat(kafka.readAll(topics.poison())).hasSize(1));
    ConsumerRecord<String, byte[]> poison = kafka.readAll(topics.poison()).get(0);
    assertThat(poison.key()).isEqualTo("v4");
    assertThat(header(poison, "ackcoord-error")).contains("unsupported envelope version '4'");
    assertThat(b.stats().poison()).isEqualTo(1);
    assertThat(kafka.countByKey(topics.results())).containsOnlyKeys("v1", "v3");
    await().untilAsserted(() -> assertThat(kafka.committed(groupId()))
        .containsEntry(new TopicPartition(topics.messages(), 0), new OffsetAndMetadata(3)));
  }

  @Test
  @DisplayName("a marker for every processed id lands in the processed topic, in the partition of its message")
  void markersAligned() {
    deploy(new ConsumerVerticle(), config());
    List<Envelope> envelopes = IntStream.range(0, 12).mapToObj(i -> envelope("k" + i, i % 3, 30_000)).toList();
    send(envelopes);
    awaitReplies(12);

    Map<String, Integer> messagePartition = new java.util.HashMap<>();
    kafka.readAll(topics.messages()).forEach(r -> messagePartition.put(r.key(), r.partition()));
    List<Map.Entry<String, Integer>> marked = kafka.markedIds(topics.processed());
    assertThat(marked).hasSize(12)
        .allSatisfy(m -> assertThat(m.getValue()).as("marker of %s", m.getKey())
            .isEqualTo(messagePartition.get(m.getKey())));
    kafka.readAll(topics.results()).forEach(r ->
        assertThat(r.partition()).as("result of %s", r.key()).isEqualTo(messagePartition.get(r.key())));
  }

  @Test
  @DisplayName("start-up fails, naming both topics, when the processed topic's partition count differs from topic 1's")
  void misalignedProcessedTopic() {
    KafkaTestClients.createTopics(fixture.broker.bootstrapServers(), 3, topics.messages());
    KafkaTestClients.createTopics(fixture.broker.bootstrapServers(), 2, topics.processed());
    CompletableFuture<String> deployment = vertx.deployVerticle(new ConsumerVerticle(),
            new DeploymentOptions().setConfig(config()))
        .toCompletionStage().toCompletableFuture();

    assertThat(deployment).failsWithin(Duration.ofSeconds(60))
        .withThrowableOfType(ExecutionException.class)
        .withMessageContaining(topics.processed() + " has 2 partitions")
        .withMessageContaining(topics.messages() + " has 3");
  }

  @Test
  @DisplayName("group.protocol=consumer: a session under the broker's minimum fails start-up, naming the minimum")
  void consumerProtocolSessionUnderBrokerMinimum() {
    CompletableFuture<String> deployment = vertx.deployVerticle(new ConsumerVerticle(),
            new DeploymentOptions().setConfig(fixture.config(ProcessingGuarantee.AT_LEAST_ONCE, GroupProtocol.CONSUMER)
                .put("kafka.consumer.properties", new JsonObject().put("session.timeout.ms", 2_000))))
        .toCompletionStage().toCompletableFuture();

    assertThat(deployment).failsWithin(Duration.ofSeconds(60))
        .withThrowableOfType(ExecutionException.class)
        .withMessageContaining("consumer.session.timeout.ms=2000")
        .withMessageContaining("group.consumer.min.session.timeout.ms");
  }

  @Test
  @DisplayName("a normal stop is quiet: no consumer or commit warning (no WakeupException noise)")
  void quietStop() throws Exception {
    ch.qos.logback.classic.Logger ackcoord =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.ackcoord");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> captured =
        new ch.qos.logback.core.read.ListAppender<>();
    captured.start();
    ackcoord.addAppender(captured);
    try {
      ConsumerVerticle b = deploy(new ConsumerVerticle(), config().put("http.port", -1));
      send(IntStream.range(0, 5).mapToObj(i -> envelope("q" + i, i % 3, 30_000)).toList());
      awaitReplies(5);
      await().until(() -> b.stats().committed() > 0);

      String id = vertx.deploymentIDs().iterator().next();
      vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

      assertThat(captured.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
          .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
          .isEmpty();
      assertThat(captured.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
          .anyMatch(m -> m.startsWith("Consumer B ") && m.contains(" stopped: "));
    } finally {
      ackcoord.detachAppender(captured);
    }
  }

  @Test
  @DisplayName("a retryable handler failure is NACKed retryable=true")
  void retryableFailure() {
    MessageHandler failing = m -> Future.failedFuture(new IllegalStateException("db down"));
    deploy(new ConsumerVerticle(failing), config());

    send(List.of(envelope("fails", 1, 30_000)));

    Reply nack = awaitReplies(1).get(0).reply();
    assertThat(nack.type()).isEqualTo(Reply.Type.NACK);
    assertThat(nack.retryable()).isTrue();
    assertThat(nack.reason()).contains("db down");
  }

  @Test
  @DisplayName("a handler failure with NonRetryableException is NACKed retryable=false")
  void nonRetryableFailure() {
    BlockingMessageHandler rejecting = m -> {
      throw new IllegalArgumentException("rejected", new NonRetryableException("negative amount"));
    };
    deploy(new ConsumerVerticle(rejecting), config());

    send(List.of(envelope("bad", 2, 30_000)));

    Reply nack = awaitReplies(1).get(0).reply();
    assertThat(nack.type()).isEqualTo(Reply.Type.NACK);
    assertThat(nack.retryable()).isFalse();
  }

  @Test
  @DisplayName("a handler that calls extendDeadline makes an IN_PROGRESS reply appear before its ACK")
  void extendDeadline() {
    MessageHandler slow = m -> m.extendDeadline(Duration.ofSeconds(45))
        .compose(v -> vertx.timer(50))
        .mapEmpty();
    deploy(new ConsumerVerticle(slow), config());

    send(List.of(envelope("slow", 1, 30_000)));

    List<PartitionReply> replies = awaitReplies(2);
    assertThat(replies).extracting(r -> r.reply().type()).containsExactly(Reply.Type.IN_PROGRESS, Reply.Type.ACK);
    assertThat(replies.get(0).reply().extendMillis()).isEqualTo(45_000);
    assertThat(replies).extracting(PartitionReply::partition).containsOnly(1);
  }

  @Test
  @DisplayName("offsets are committed only after the replies are confirmed")
  void commitsOnlyAfterReplies() {
    Promise<Void> release = Promise.promise();
    AtomicInteger started = new AtomicInteger();
    MessageHandler held = m -> {
      started.incrementAndGet();
      return release.future();
    };
    deploy(new ConsumerVerticle(held), config().put("topic.partitions", 1));
    TopicPartition p0 = new TopicPartition(topics.messages(), 0);

    send(IntStream.range(0, 5).mapToObj(i -> envelope("held-" + i, 0, 30_000)).toList());
    await().until(() -> started.get() == 5);

    assertThat(kafka.readAll(topics.acks())).as("no reply while handlers run").isEmpty();
    assertThat(kafka.committed(groupId())).as("nothing committed while handlers run")
        .doesNotContainKey(p0);

    vertx.runOnContext(v -> release.complete());

    awaitReplies(5);
    await().untilAsserted(() -> assertThat(kafka.committed(groupId()))
        .containsEntry(p0, new OffsetAndMetadata(5)));
  }

  @Test
  @DisplayName("a message B took but did not finish before it stopped is processed by the next B")
  void unfinishedMessageSurvivesStop() throws Exception {
    Promise<Void> never = Promise.promise();
    AtomicInteger firstCalls = new AtomicInteger();
    MessageHandler hanging = m -> {
      firstCalls.incrementAndGet();
      return never.future();
    };
    ConsumerVerticle first = deploy(new ConsumerVerticle(hanging),
        config().put("shutdown.timeout.ms", 200).put("http.port", -1));
    send(List.of(envelope("survivor", 0, 30_000)));
    await().until(() -> firstCalls.get() == 1);

    // B stops with the handler still running: no reply, no commit.
    String id = vertx.deploymentIDs().iterator().next();
    vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(first.stats().acksSent()).isZero();
    assertThat(kafka.readAll(topics.acks())).isEmpty();

    deploy(new ConsumerVerticle(), config());

    Reply ack = awaitReplies(1).get(0).reply();
    assertThat(ack.id()).isEqualTo("survivor");
    assertThat(ack.type()).isEqualTo(Reply.Type.ACK);
    assertThat(kafka.countByKey(topics.results())).containsExactly(Map.entry("survivor", 1L));
  }

  @Test
  @DisplayName("/health is UP once assigned and /api/status shows the counters")
  void http() throws Exception {
    ConsumerVerticle b = deploy(new ConsumerVerticle(), config());
    send(List.of(envelope("h1", 0, 30_000)));
    awaitReplies(1);
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + b.actualHttpPort();

    await().untilAsserted(() -> assertThat(get(http, base + "/health").statusCode()).isEqualTo(200));
    await().untilAsserted(() -> {
      JsonObject status = new JsonObject(get(http, base + "/api/status").body());
      assertThat(status.getLong("received")).isEqualTo(1);
      assertThat(status.getLong("processed")).isEqualTo(1);
      assertThat(status.getLong("acksSent")).isEqualTo(1);
      assertThat(status.getLong("committed")).isGreaterThanOrEqualTo(1);
      assertThat(status.getLong("inFlight")).isZero();
      assertThat(status.fieldNames()).contains("duplicates", "nacksSent", "inProgressSent", "poison",
          "handlerFailures");
    });
  }

  @Test
  @DisplayName("an invalid config fails deployment naming the key and the value")
  void invalidConfigFailsDeployment() {
    CompletableFuture<String> deployment = vertx.deployVerticle(new ConsumerVerticle(),
            new DeploymentOptions().setConfig(config().put("processing.max.in.flight", 0)))
        .toCompletionStage().toCompletableFuture();

    assertThat(deployment).failsWithin(Duration.ofSeconds(30))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(ConfigException.class)
        .withMessageContaining("processing.max.in.flight")
        .withMessageContaining("0");
    assertThat(vertx.deploymentIDs()).isEmpty();
  }

  @Test
  @DisplayName("an unknown handler.class fails deployment naming the key and the value")
  void unknownHandlerClassFailsDeployment() {
    CompletableFuture<String> deployment = vertx.deployVerticle(new ConsumerVerticle(),
            new DeploymentOptions().setConfig(config().put("handler.class", "com.example.Missing")))
        .toCompletionStage().toCompletableFuture();

    assertThat(deployment).failsWithin(Duration.ofSeconds(30))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(ConfigException.class)
        .withMessageContaining("handler.class")
        .withMessageContaining("com.example.Missing");
  }

  @Test
  @DisplayName("a handler whose init fails fails the deployment with the step named")
  void handlerInitFailureFailsDeployment() {
    MessageHandler broken = new MessageHandler() {
      @Override
      public Future<Void> init(HandlerSetup setup) {
        return Future.failedFuture(new IllegalStateException("no database"));
      }

      @Override
      public Future<Void> handle(IncomingMessage message) {
        return Future.succeededFuture();
      }
    };
    CompletableFuture<String> deployment = vertx.deployVerticle(new ConsumerVerticle(broken),
            new DeploymentOptions().setConfig(config()))
        .toCompletionStage().toCompletableFuture();

    assertThat(deployment).failsWithin(Duration.ofSeconds(60))
        .withThrowableOfType(ExecutionException.class)
        .withMessageContaining("initialise the handler")
        .withMessageContaining("no database");
  }

  // ---- helpers ----

  private JsonObject config() {
    return fixture.config(ProcessingGuarantee.AT_LEAST_ONCE).put("http.port", 0).put("shutdown.timeout.ms", 2_000);
  }

  private String groupId() {
    return fixture.groupId();
  }

  private ConsumerVerticle deploy(ConsumerVerticle verticle, JsonObject config) {
    return fixture.deploy(vertx, verticle, config);
  }

  private void send(List<Envelope> envelopes) {
    fixture.send(envelopes.toArray(Envelope[]::new));
  }

  private List<PartitionReply> awaitReplies(int n) {
    await().untilAsserted(() -> assertThat(kafka.replies(topics.acks())).hasSizeGreaterThanOrEqualTo(n));
    List<PartitionReply> replies = kafka.replies(topics.acks());
    assertThat(replies).hasSize(n);
    return replies;
  }

  private static int replyPartitionOf(String id) {
    return Integer.parseInt(id.substring(1)) % 3;
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    return EnvelopeCodec.optional(record.headers(), name);
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static ConditionFactory await() {
    return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250));
  }
}

package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.consumer.ConsumerVerticle;
import io.ackcoord.consumer.GroupProtocol;
import io.ackcoord.consumer.ProcessingGuarantee;
import io.ackcoord.kafka.TopicNames;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.InvalidRecordException;
import io.ackcoord.protocol.Reply;
import io.ackcoord.protocol.ReplyCodec;
import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.KafkaBrokerExtension;
import io.ackcoord.testkit.KafkaTestClients;
import io.ackcoord.testkit.ManagedProcess;
import io.ackcoord.testkit.Ports;
import io.ackcoord.testkit.TestTopics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * B as a real process ({@code bin/vertx run}), signalled the way an operator or a scheduler does: SIGTERM must
 * let it finish and commit; SIGSTOP past its session must not let it write over the B that took its partitions.
 * Envelopes are written straight to topic 1, and everything is checked on the broker.
 */
@ExtendWith({VertxExtension.class, KafkaBrokerExtension.class})
class ConsumerProcessIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir
  Path dir;

  private ManagedProcess process;
  private String bootstrap;
  private String prefix;
  private TopicNames topics;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void tearDown() {
    if (process != null && process.isAlive()) {
      process.kill();
    }
  }

  @Test
  @DisplayName("SIGTERM: B finishes the records in hand, replies, commits and exits")
  void sigtermFinishesInFlight(KafkaBroker broker, TestInfo info) throws Exception {
    setUp(broker, info);
    int port = Ports.free();
    process = startB("b-term", port, new JsonObject().put("handler.work.ms", 3_000));
    send(20);
    await().until(() -> status(port).getLong("inFlight") == 20);

    int exit = process.stop(Duration.ofSeconds(60));

    assertThat(exit).as("exited on SIGTERM, not killed: %s", process.recentOutput()).isEqualTo(143);
    assertThat(process.recentOutput()).contains("Consumer B b-term stopped");
    Map<String, Long> acks = replies().stream().filter(r -> r.type() == Reply.Type.ACK)
        .collect(Collectors.groupingBy(Reply::id, Collectors.counting()));
    assertThat(acks).hasSize(20).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
    assertThat(countByKey(topics.results())).hasSize(20).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
    assertThat(committed().values().stream().mapToLong(OffsetAndMetadata::offset).sum())
        .as("every record's offset committed before exit").isEqualTo(20);
  }

  /**
   * Each guarantee under the classic protocol, and at-least-once under the consumer protocol too: its zombie guard
   * is the lease, which that protocol's session changes (exactly-once is fenced by its transactions either way,
   * and the chaos suite freezes Bs under both protocols).
   */
  static Stream<Arguments> frozenCases() {
    return Stream.of(
        Arguments.of(ProcessingGuarantee.AT_LEAST_ONCE, GroupProtocol.CLASSIC),
        Arguments.of(ProcessingGuarantee.EXACTLY_ONCE, GroupProtocol.CLASSIC),
        Arguments.of(ProcessingGuarantee.AT_LEAST_ONCE, GroupProtocol.CONSUMER));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("frozenCases")
  @DisplayName("SIGSTOP past the session: another B takes over; resumed, the first writes, replies and commits nothing")
  void frozenZombie(ProcessingGuarantee guarantee, GroupProtocol protocol, Vertx vertx, KafkaBroker broker,
      TestInfo info) throws Exception {
    setUp(broker, info);
    int port = Ports.free();
    JsonObject common = new JsonObject()
        .put("processing.guarantee", guarantee.configValue())
        .put("group.protocol", protocol.configValue())
        // The broker's minimum for classic; under the consumer protocol B sets them on the group (the local
        // broker's minimums are the classic ones), and a commit proves the session only up to one heartbeat
        // interval back, so 7 s keeps the lease above the results topic's 5 s fence. The takeover happens one
        // session after the freeze.
        .put("kafka.consumer.properties", new JsonObject()
            .put("session.timeout.ms", protocol == GroupProtocol.CLASSIC ? 6_000 : 7_000)
            .put("heartbeat.interval.ms", 1_000));
    process = startB("b1", port, common.copy().put("handler.work.ms", 4_000));
    send(9);
    await().until(() -> status(port).getLong("inFlight") == 9);

    process.pause();
    ConsumerVerticle b2 = new ConsumerVerticle();
    JsonObject b2Config = new JsonObject().mergeIn(common).put("kafka.bootstrap.servers", bootstrap)
        .put("topic.prefix", prefix).put("consumer.group.id", prefix + "b").put("consumer.instance.id", "b2")
        .put("http.port", -1);
    vertx.deployVerticle(b2, new DeploymentOptions().setConfig(b2Config))
        .toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    await().until(() -> replies().stream().filter(r -> r.type() == Reply.Type.ACK).count() == 9);

    process.resume();
    // B1 learns it lost its partitions when its consumer talks to the group again; its held records are dropped.
    process.awaitLine(Pattern.compile("Lost \\["), TIMEOUT);
    await().until(() -> status(port).getLong("inFlight") == 0);

    List<Reply> replies = replies();
    assertThat(replies).extracting(Reply::consumerId)
        .as("no reply from the zombie; replies %s; the zombie's log:%n%s",
            replies.stream().map(r -> r.consumerId() + ":" + r.type() + ":" + r.id()).toList(),
            process.recentOutput())
        .containsOnly("b2");
    assertThat(replies).hasSize(9);
    Map<String, Long> results = countByKey(topics.results());
    assertThat(results).hasSize(9).allSatisfy((id, n) -> assertThat(n).as("results for %s", id).isEqualTo(1L));
    assertThat(readAll(topics.results())).allSatisfy(r ->
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).contains("\"consumer\":\"b2\""));
    JsonObject zombie = status(port);
    assertThat(zombie.getLong("acksSent")).isZero();
    assertThat(zombie.getLong("effectsWritten")).isZero();
    assertThat(zombie.getLong("dropped")).isEqualTo(9);
    assertThat(committed().values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(9);
  }

  @Test
  @DisplayName("group.protocol=consumer: a B killed with SIGKILL and restarted under its name waits for the old "
      + "session, then takes its partitions back")
  void killedStaticMemberRestartsUnderConsumerProtocol(KafkaBroker broker, TestInfo info) throws Exception {
    setUp(broker, info);
    int port = Ports.free();
    // Long enough that the restart (a JVM start) comes before the killed member's session expires.
    JsonObject config = new JsonObject().put("group.protocol", "consumer")
        .put("kafka.consumer.properties", new JsonObject().put("session.timeout.ms", 12_000)
            .put("heartbeat.interval.ms", 1_000));
    process = startB("b1", port, config);
    send(3);
    await().until(() -> replies().size() == 3);

    process.kill();
    process = startB("b1", port, config);
    send(3);

    // The same ids again: the restarted B answers them from its restored dedupe record.
    await().until(() -> replies().size() == 6);
    assertThat(process.recentOutput()).as("the restarted B waited for its name").contains("is still held by member");
    assertThat(replies()).extracting(Reply::type).containsOnly(Reply.Type.ACK);
    assertThat(countByKey(topics.results())).hasSize(3).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
  }

  // ---- helpers ----

  private void setUp(KafkaBroker broker, TestInfo info) {
    bootstrap = broker.bootstrapServers();
    prefix = TestTopics.uniquePrefix(info.getDisplayName());
    topics = new TopicNames(prefix);
  }

  /** Starts B with {@code bin/vertx run} and a config file of this test; returns once B logged it started. */
  private ManagedProcess startB(String instance, int httpPort, JsonObject extra) throws IOException {
    JsonObject config = new JsonObject()
        .put("kafka.bootstrap.servers", bootstrap)
        .put("topic.prefix", prefix)
        .put("consumer.group.id", prefix + "b")
        .put("consumer.instance.id", instance)
        .put("http.port", httpPort)
        .mergeIn(extra);
    return ConsumerProcess.start(dir, instance, config, TIMEOUT);
  }

  private void send(int n) {
    for (int i = 0; i < n; i++) {
      long now = System.currentTimeMillis();
      Envelope e = new Envelope("m" + i, "a-test", 1, now, now, i % 3, 60_000, "text/plain",
          ("payload " + i).getBytes(StandardCharsets.UTF_8));
      var record = EnvelopeCodec.toRecord(topics.messages(), e);
      KafkaTestClients.produceRaw(bootstrap, topics.messages(), record.key().getBytes(StandardCharsets.UTF_8),
          record.value(), record.headers());
    }
  }

  private List<Reply> replies() {
    return readAll(topics.acks()).stream().flatMap(r -> {
      try {
        return ReplyCodec.decodeAll(r.value()).replies().stream();
      } catch (InvalidRecordException e) {
        throw new AssertionError(e.getMessage(), e);
      }
    }).toList();
  }

  private List<ConsumerRecord<String, byte[]>> readAll(String topic) {
    return KafkaTestClients.readAll(bootstrap, topic, IsolationLevel.READ_COMMITTED, Duration.ofSeconds(30),
        new StringDeserializer(), new ByteArrayDeserializer());
  }

  private Map<String, Long> countByKey(String topic) {
    return readAll(topic).stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
  }

  private Map<TopicPartition, OffsetAndMetadata> committed() throws ExecutionException, InterruptedException {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(prefix + "b").partitionsToOffsetAndMetadata().get();
      return offsets.entrySet().stream().filter(e -> e.getValue() != null)
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
  }

  private JsonObject status(int port) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/status")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new JsonObject(response.body());
  }

  private static ConditionFactory await() {
    return Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(250)).ignoreExceptions();
  }
}

package io.ackcoord.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.consumer.KafkaTestClient.PartitionReply;
import io.ackcoord.kafka.TopicNames;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.Reply;
import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.TestTopics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * One test's topics and the ways B's integration tests drive B and read back what it wrote: envelopes written
 * straight to topic 1 (no A), replies and results read from the broker. Blocking calls run on the test thread.
 */
public final class BFixture implements AutoCloseable {

  final KafkaBroker broker;
  final KafkaTestClient kafka;
  final String prefix;
  public final TopicNames topics;

  public BFixture(KafkaBroker broker, String testName) {
    this.broker = broker;
    this.kafka = new KafkaTestClient(broker);
    this.prefix = TestTopics.uniquePrefix(testName);
    this.topics = new TopicNames(prefix);
  }

  /** B's config for tests: this test's topics and group, no HTTP, short shutdown. */
  JsonObject config(ProcessingGuarantee guarantee) {
    return new JsonObject()
        .put("kafka.bootstrap.servers", broker.bootstrapServers())
        .put("topic.prefix", prefix)
        .put("consumer.group.id", groupId())
        .put("http.port", -1)
        .put("shutdown.timeout.ms", 500)
        .put("processing.guarantee", guarantee.configValue());
  }

  /** {@link #config(ProcessingGuarantee)} under a chosen consumer group protocol. */
  JsonObject config(ProcessingGuarantee guarantee, GroupProtocol protocol) {
    return config(guarantee).put("group.protocol", protocol.configValue());
  }

  String groupId() {
    return prefix + "b";
  }

  /** Deploys {@code verticle} on {@code vertx} and waits until it started. */
  <T extends ConsumerVerticle> T deploy(Vertx vertx, T verticle, JsonObject config) {
    await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config)));
    return verticle;
  }

  /** Writes envelopes to topic 1, each to the partition its key hashes to. */
  void send(Envelope... envelopes) {
    kafka.produce(List.of(envelopes).stream().map(e -> EnvelopeCodec.toRecord(topics.messages(), e)).toList());
  }

  /** Writes an envelope to a chosen partition of topic 1. */
  void sendTo(int partition, Envelope envelope) {
    ProducerRecord<String, byte[]> record = EnvelopeCodec.toRecord(topics.messages(), envelope);
    kafka.produce(List.of(new ProducerRecord<>(record.topic(), partition, record.key(), record.value(),
        record.headers())));
  }

  /** Committed replies on topic 2. */
  List<PartitionReply> replies() {
    return kafka.replies(topics.acks());
  }

  /** Waits until the committed replies satisfy {@code condition}; returns them. */
  List<Reply> awaitReplies(Predicate<List<Reply>> condition) {
    return await().until(() -> replies().stream().map(PartitionReply::reply).toList(), condition);
  }

  /** Committed ACKs per message id. */
  Map<String, Long> acks() {
    return replies().stream().map(PartitionReply::reply).filter(r -> r.type() == Reply.Type.ACK)
        .collect(Collectors.groupingBy(Reply::id, Collectors.counting()));
  }

  /** Result records per message id, committed ones only or all. */
  public Map<String, Long> results(boolean readCommitted) {
    return kafka.countByKey(topics.results(), readCommitted);
  }

  @Override
  public void close() {
    kafka.close();
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e.toString(), e);
    }
  }

  public static ConditionFactory await() {
    return Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200));
  }

  /** Every value of {@code counts} is exactly one, and the keys are {@code ids}. */
  public static void assertOncePerId(Map<String, Long> counts, String... ids) {
    assertThat(counts).containsOnlyKeys(ids);
    assertThat(counts).allSatisfy((id, n) -> assertThat(n).as("records for %s", id).isEqualTo(1L));
  }
}

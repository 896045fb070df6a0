package io.ackcoord.consumer;

import static io.ackcoord.consumer.BFixture.assertOncePerId;
import static io.ackcoord.consumer.BFixture.await;
import static io.ackcoord.consumer.TestEnvelopes.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.consumer.handler.ResultTopicHandler;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.Reply;
import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.KafkaBrokerExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exactly-once mode against a real broker: what {@code read_committed} readers (A among them) see is atomic, an
 * aborted transaction leaves nothing visible, and a zombie is fenced.
 */
@ExtendWith({VertxExtension.class, KafkaBrokerExtension.class})
class ExactlyOnceIT {

  private BFixture b;
  private Vertx vertx;

  @BeforeEach
  void setUp(Vertx vertx, KafkaBroker broker, TestInfo info) {
    this.vertx = vertx;
    this.b = new BFixture(broker, info.getTestMethod().orElseThrow().getName());
  }

  @AfterEach
  void tearDown() {
    b.close();
  }

  private JsonObject config() {
    return b.config(ProcessingGuarantee.EXACTLY_ONCE);
  }

  @Test
  @DisplayName("results, ACKs and committed offsets appear together, once per message")
  void atomicOutcome() {
    ConsumerVerticle consumer = b.deploy(vertx, new ConsumerVerticle(), config());
    List<Envelope> envelopes = IntStream.range(0, 30).mapToObj(i -> envelope("m" + i, i % 3, 30_000)).toList();
    b.send(envelopes.toArray(Envelope[]::new));

    b.awaitReplies(replies -> replies.size() == 30);

    String[] ids = envelopes.stream().map(Envelope::id).toArray(String[]::new);
    assertOncePerId(b.acks(), ids);
    assertOncePerId(b.results(true), ids);
    assertOncePerId(b.kafka.countMarked(b.topics.processed()), ids);
    Map<TopicPartition, OffsetAndMetadata> end = b.kafka.endOffsets(b.topics.messages()).entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())));
    BFixture.await().untilAsserted(() -> assertThat(b.kafka.committed(b.groupId())).isEqualTo(end));
    assertThat(consumer.stats().transactions()).isPositive();
    assertThat(consumer.stats().committed()).as("no offset commit outside transactions").isZero();
  }

  @Test
  @DisplayName("a handler that wrote its effect and then failed: NACK, and no result, not even an aborted one")
  void handlerFailureMidBatch() {
    MessageHandler failsAfterEffect = new ResultTopicHandler() {
      @Override
      public Future<Void> handle(IncomingMessage message) {
        Future<Void> effect = super.handle(message);
        return message.id().startsWith("bad")
            ? effect.compose(v -> Future.failedFuture(new IllegalStateException("failed after its effect")))
            : effect;
      }
    };
    b.deploy(vertx, new ConsumerVerticle(failsAfterEffect), config().put("transaction.max.ms", 1_000));
    // One batch: the timer is long enough for all six to be staged together.
    b.send(envelope("good-1", 0, 30_000), envelope("bad-1", 0, 30_000), envelope("good-2", 1, 30_000),
        envelope("bad-2", 1, 30_000), envelope("good-3", 2, 30_000), envelope("bad-3", 2, 30_000));

    List<Reply> replies = b.awaitReplies(r -> r.size() == 6);

    assertThat(replies).filteredOn(r -> r.id().startsWith("bad")).extracting(Reply::type)
        .containsOnly(Reply.Type.NACK);
    assertThat(replies).filteredOn(r -> r.id().startsWith("good")).extracting(Reply::type)
        .containsOnly(Reply.Type.ACK);
    assertOncePerId(b.results(true), "good-1", "good-2", "good-3");
    assertOncePerId(b.results(false), "good-1", "good-2", "good-3");
    assertThat(b.kafka.countMarked(b.topics.processed())).containsOnlyKeys("good-1", "good-2", "good-3");
  }

  @Test
  @DisplayName("a B that died mid-transaction: its writes stay invisible, and the restarted B aborts them and redoes the work")
  void crashMidTransaction() throws Exception {
    String instance = "b-crashed";
    String transactionalId = "ackcoord-b-" + b.groupId() + "-" + instance;
    // B's topics, created the way B creates them, before the "crashed" B writes to them.
    await(io.ackcoord.kafka.TopicAdmin.ensureTopics(vertx, ConsumerOptions.parse(config()).kafka()));
    b.send(envelope("x", 0, 30_000));
    try (KafkaProducer<String, byte[]> zombie = transactionalProducer(transactionalId)) {
      // What B writes for x, in a transaction it never commits: then it "dies".
      zombie.initTransactions();
      zombie.beginTransaction();
      zombie.send(new ProducerRecord<>(b.topics.results(), partitionOf("x"), "x",
          "{\"consumer\":\"zombie\"}".getBytes(StandardCharsets.UTF_8))).get();
      zombie.send(new ProducerRecord<>(b.topics.processed(), partitionOf("x"), "x", new byte[0])).get();
      zombie.flush();
      assertThat(b.results(false)).as("written, not committed").containsEntry("x", 1L);
      assertThat(b.results(true)).isEmpty();

      b.deploy(vertx, new ConsumerVerticle(), config().put("consumer.instance.id", instance));

      b.awaitReplies(replies -> replies.stream().anyMatch(r -> r.id().equals("x") && r.type() == Reply.Type.ACK));
    }
    assertOncePerId(b.results(true), "x");
    assertThat(b.kafka.readAll(b.topics.results()).get(0).value())
        .asString(StandardCharsets.UTF_8).contains("\"consumer\":\"" + instance + "\"");
    assertThat(b.results(false)).as("the zombie's record is there, aborted").containsEntry("x", 2L);
  }

  @Test
  @DisplayName("a zombie B whose transactional.id another producer took is fenced: it stands down and writes nothing")
  void zombieProducerFenced() throws Exception {
    ConsumerVerticle zombie = b.deploy(vertx, new ConsumerVerticle(), config().put("transaction.max.ms", 10));
    b.send(envelope("before", 0, 30_000));
    b.awaitReplies(replies -> replies.size() == 1);

    // Another producer initialises B's transactional.id: B's producer is fenced from now on.
    String transactionalId = "ackcoord-b-" + b.groupId() + "-" + zombie.options().instanceId();
    try (KafkaProducer<String, byte[]> usurper = transactionalProducer(transactionalId)) {
      usurper.initTransactions();
    }
    b.send(envelope("after", 1, 30_000));

    BFixture.await().until(() -> vertx.deploymentIDs().isEmpty());
    assertThat(b.acks()).containsOnlyKeys("before");
    assertThat(b.results(true)).containsOnlyKeys("before");

    b.deploy(vertx, new ConsumerVerticle(), config());
    b.awaitReplies(replies -> replies.stream().anyMatch(r -> r.id().equals("after")));
    assertOncePerId(b.results(true), "before", "after");
    assertOncePerId(b.acks(), "before", "after");
  }

  @Test
  @DisplayName("an envelope of an unknown version goes to poison, in the transaction with its offset")
  void unknownVersionToPoison() {
    b.deploy(vertx, new ConsumerVerticle(), config().put("topic.partitions", 1));
    ProducerRecord<String, byte[]> record = io.ackcoord.protocol.EnvelopeCodec.toRecord(b.topics.messages(),
        envelope("v2", 0, 30_000));
    record.headers().remove("ackcoord-version");
    record.headers().add("ackcoord-version", "2".getBytes(StandardCharsets.UTF_8));
    b.kafka.produce(List.of(record));
    b.send(envelope("v1", 0, 30_000));

    b.awaitReplies(replies -> replies.size() == 1);
    BFixture.await().untilAsserted(() -> assertThat(b.kafka.readAll(b.topics.poison())).hasSize(1));
    assertThat(io.ackcoord.protocol.EnvelopeCodec.optional(b.kafka.readAll(b.topics.poison()).get(0).headers(),
        "ackcoord-error")).contains("unsupported envelope version '2'");
    BFixture.await().untilAsserted(() -> assertThat(b.kafka.committed(b.groupId()))
        .containsEntry(new TopicPartition(b.topics.messages(), 0), new OffsetAndMetadata(2)));
  }

  private KafkaProducer<String, byte[]> transactionalProducer(String transactionalId) {
    Map<String, Object> config = new HashMap<>(b.broker.clientProperties());
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Duration.ofSeconds(30).toMillis());
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  /** The partition Kafka's default partitioner picks for a key, with 3 partitions. */
  private static int partitionOf(String key) {
    return org.apache.kafka.common.utils.Utils.toPositive(
        org.apache.kafka.common.utils.Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 3;
  }
}

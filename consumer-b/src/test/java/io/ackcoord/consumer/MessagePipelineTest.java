package io.ackcoord.consumer;

import static io.ackcoord.consumer.TestEnvelopes.consumerRecord;
import static io.ackcoord.consumer.TestEnvelopes.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.kafka.TopicNames;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.InvalidRecordException;
import io.ackcoord.protocol.Reply;
import io.ackcoord.protocol.ReplyCodec;
import io.ackcoord.time.ManualClock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Steps 2–4 and 6 without a broker: the reply producer is Kafka's MockProducer. */
@ExtendWith(VertxExtension.class)
class MessagePipelineTest {

  private static final TopicNames TOPICS = new TopicNames("unit.");
  private static final int REPLY_PARTITIONS = 3;

  private final ConsumerStats stats = new ConsumerStats();
  private final ManualClock clock = new ManualClock();
  private final AtomicInteger calls = new AtomicInteger();
  private Vertx vertx;
  private Context context;
  private MockProducer<String, byte[]> mock;
  private MessagePipeline pipeline;
  private ReplySender replies;
  private Function<IncomingMessage, Future<Void>> behaviour = m -> Future.succeededFuture();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    useProducer(new MockProducer<>(true, new StringSerializer(), new ByteArraySerializer()), false);
  }

  private void useProducer(MockProducer<String, byte[]> producer, boolean autoExtend) {
    MessageHandler handler = message -> {
      calls.incrementAndGet();
      return behaviour.apply(message);
    };
    usePipeline(producer, autoExtend, handler);
  }

  private void usePipeline(MockProducer<String, byte[]> producer, boolean autoExtend, MessageHandler handler) {
    this.mock = producer;
    pipeline = onContext(() -> {
      KafkaWriteStream<String, byte[]> stream = KafkaWriteStream.create(vertx, producer);
      stream.exceptionHandler(err -> { }); // each send's Future carries its failure
      replies = new ReplySender(vertx, stream, TOPICS, "b-test", clock, stats, new Backoff(1, 5));
      return Future.succeededFuture(new MessagePipeline(vertx, context, handler, new ProcessedIds(100), replies,
          clock, stats, autoExtend, REPLY_PARTITIONS, () -> Future.succeededFuture(REPLY_PARTITIONS)));
    });
  }

  @Test
  @DisplayName("a valid envelope is handled once and ACKed on the partition it names")
  void ackOnNamedPartition() {
    accept(envelope("m1", 2, 30_000), 0);

    assertThat(calls).hasValue(1);
    ProducerRecord<String, byte[]> sent = only(mock.history());
    assertThat(sent.topic()).isEqualTo(TOPICS.acks());
    assertThat(sent.partition()).isEqualTo(2);
    Reply reply = decode(sent);
    assertThat(reply.type()).isEqualTo(Reply.Type.ACK);
    assertThat(reply.id()).isEqualTo("m1");
    assertThat(reply.consumerId()).isEqualTo("b-test");
    assertThat(stats.processed()).isEqualTo(1);
    assertThat(stats.acksSent()).isEqualTo(1);
  }

  @Test
  @DisplayName("a copy of a processed id is ACKed again without calling the handler")
  void duplicateOfProcessed() {
    accept(envelope("m1", 0, 30_000), 0);
    accept(envelope("m1", 0, 30_000).forAttempt(2, 0, 30_000), 1);

    assertThat(calls).hasValue(1);
    assertThat(mock.history()).extracting(r -> decode(r).type()).containsExactly(Reply.Type.ACK, Reply.Type.ACK);
    assertThat(decode(mock.history().get(1)).attempt()).isEqualTo(2);
    assertThat(stats.duplicates()).isEqualTo(1);
  }

  @Test
  @DisplayName("a copy arriving while the first runs waits for it and is not processed twice")
  void duplicateWhileRunning() throws Exception {
    Promise<Void> release = Promise.promise();
    behaviour = m -> release.future();

    CompletableFuture<Void> first = acceptAsync(envelope("m1", 0, 30_000), 0);
    CompletableFuture<Void> second = acceptAsync(envelope("m1", 0, 30_000).forAttempt(2, 0, 30_000), 1);
    await().untilAsserted(() -> assertThat(stats.duplicates()).isEqualTo(1));
    assertThat(mock.history()).as("no reply before the first copy finishes").isEmpty();

    context.runOnContext(v -> release.complete());
    first.get(5, TimeUnit.SECONDS);
    second.get(5, TimeUnit.SECONDS);

    assertThat(calls).hasValue(1);
    assertThat(mock.history()).extracting(r -> decode(r).attempt()).containsExactlyInAnyOrder(1, 2);
    assertThat(mock.history()).extracting(r -> decode(r).type()).containsOnly(Reply.Type.ACK);
  }

  @Test
  @DisplayName("a retryable failure is NACKed retryable=true and the next copy is processed again")
  void retryableFailure() {
    behaviour = m -> Future.failedFuture(new IllegalStateException("db down"));

    accept(envelope("m1", 1, 30_000), 0);
    accept(envelope("m1", 1, 30_000).forAttempt(2, 0, 30_000), 1);

    assertThat(calls).as("a failed id is not remembered").hasValue(2);
    Reply nack = decode(mock.history().get(0));
    assertThat(nack.type()).isEqualTo(Reply.Type.NACK);
    assertThat(nack.retryable()).isTrue();
    assertThat(nack.reason()).contains("db down");
    assertThat(stats.handlerFailures()).isEqualTo(2);
    assertThat(stats.nacksSent()).isEqualTo(2);
  }

  @Test
  @DisplayName("NonRetryableException in the cause chain is NACKed retryable=false")
  void nonRetryableFailure() {
    behaviour = m -> Future.failedFuture(new RuntimeException(new NonRetryableException("bad payload")));

    accept(envelope("m1", 0, 30_000), 0);

    Reply nack = decode(only(mock.history()));
    assertThat(nack.type()).isEqualTo(Reply.Type.NACK);
    assertThat(nack.retryable()).isFalse();
  }

  @Test
  @DisplayName("a handler that throws is a failure (NACK), not a crash")
  void synchronousThrow() {
    behaviour = m -> {
      throw new NonRetryableException("thrown, not returned");
    };

    accept(envelope("m1", 0, 30_000), 0);
    behaviour = m -> Future.succeededFuture();
    accept(envelope("m2", 0, 30_000), 1);

    assertThat(mock.history()).extracting(r -> decode(r).type()).containsExactly(Reply.Type.NACK, Reply.Type.ACK);
    assertThat(decode(mock.history().get(0)).retryable()).isFalse();
  }

  @Test
  @DisplayName("a record that is not an envelope is copied to poison with the error and its source")
  void poison() {
    ConsumerRecord<String, byte[]> garbage =
        new ConsumerRecord<>(TOPICS.messages(), 0, 42, "k", "not an envelope".getBytes(StandardCharsets.UTF_8));
    garbage.headers().add("trace", "t1".getBytes(StandardCharsets.UTF_8));

    onContext(() -> pipeline.accept(garbage));

    ProducerRecord<String, byte[]> copy = only(mock.history());
    assertThat(copy.topic()).isEqualTo(TOPICS.poison());
    assertThat(copy.key()).isEqualTo("k");
    assertThat(new String(copy.value(), StandardCharsets.UTF_8)).isEqualTo("not an envelope");
    assertThat(header(copy, "trace")).isEqualTo("t1");
    assertThat(header(copy, ReplySender.ERROR_HEADER)).contains(EnvelopeCodec.VERSION);
    assertThat(header(copy, ReplySender.SOURCE_HEADER)).isEqualTo(TOPICS.messages() + "/0/42");
    assertThat(stats.poison()).isEqualTo(1);
    assertThat(calls).hasValue(0);
  }

  @Test
  @DisplayName("an envelope naming a reply partition that does not exist goes to poison")
  void replyPartitionOutOfRange() {
    accept(envelope("m1", REPLY_PARTITIONS, 30_000), 0);

    ProducerRecord<String, byte[]> copy = only(mock.history());
    assertThat(copy.topic()).isEqualTo(TOPICS.poison());
    assertThat(header(copy, ReplySender.ERROR_HEADER)).contains("names partition 3");
    assertThat(calls).hasValue(0);
  }

  @Test
  @DisplayName("a reply the broker refuses is sent again; the record finishes only when one is confirmed")
  void replyRetried() throws Exception {
    useProducer(new MockProducer<>(false, new StringSerializer(), new ByteArraySerializer()), false);

    CompletableFuture<Void> done = acceptAsync(envelope("m1", 0, 30_000), 0);
    await().until(() -> mock.errorNext(new NotEnoughReplicasException("isr too small")));
    await().until(() -> mock.completeNext());
    done.get(5, TimeUnit.SECONDS);

    assertThat(mock.history()).hasSize(2).extracting(r -> decode(r).type()).containsOnly(Reply.Type.ACK);
    assertThat(stats.acksSent()).isEqualTo(1);
    assertThat(calls).hasValue(1);
  }

  @Test
  @DisplayName("extendDeadline sends IN_PROGRESS while running, and is refused after the reply")
  void extendDeadline() throws Exception {
    Promise<Void> release = Promise.promise();
    CompletableFuture<IncomingMessage> seen = new CompletableFuture<>();
    behaviour = m -> {
      seen.complete(m);
      return release.future();
    };

    CompletableFuture<Void> done = acceptAsync(envelope("m1", 1, 30_000), 0);
    IncomingMessage message = seen.get(5, TimeUnit.SECONDS);
    message.extendDeadline(Duration.ofSeconds(7)).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    context.runOnContext(v -> release.complete());
    done.get(5, TimeUnit.SECONDS);

    Reply progress = decode(mock.history().get(0));
    assertThat(progress.type()).isEqualTo(Reply.Type.IN_PROGRESS);
    assertThat(progress.extendMillis()).isEqualTo(7_000);
    assertThat(mock.history().get(0).partition()).isEqualTo(1);
    assertThat(decode(mock.history().get(1)).type()).isEqualTo(Reply.Type.ACK);
    assertThat(stats.inProgressSent()).isEqualTo(1);
    assertThat(message.extendDeadline(Duration.ofSeconds(1)).toCompletionStage().toCompletableFuture())
        .failsWithin(Duration.ofSeconds(5));
  }

  @Test
  @DisplayName("progress.auto.extend sends IN_PROGRESS for a handler still running at half the timeout")
  void autoExtend() throws Exception {
    useProducer(new MockProducer<>(true, new StringSerializer(), new ByteArraySerializer()), true);
    Promise<Void> release = Promise.promise();
    behaviour = m -> release.future();
    // A sent it just now (by B's clock) with a 200 ms timeout: the first extension is due after ~100 ms.
    Envelope envelope = envelope("m1", 0, 200).forAttempt(1, clock.wallMillis(), 200);

    CompletableFuture<Void> done = acceptAsync(envelope, 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> stats.inProgressSent() >= 2);
    context.runOnContext(v -> release.complete());
    done.get(5, TimeUnit.SECONDS);
    long extensions = stats.inProgressSent();

    List<ProducerRecord<String, byte[]>> sent = mock.history();
    assertThat(decode(sent.get(0)).extendMillis()).isEqualTo(200);
    assertThat(decode(sent.get(sent.size() - 1)).type()).isEqualTo(Reply.Type.ACK);
    // The timer is cancelled with the reply: no extension after the ACK.
    vertx.timer(300).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(stats.inProgressSent()).isEqualTo(extensions);
  }

  @Test
  @DisplayName("a blocking handler runs on a worker thread and can extend its deadline from there")
  void blockingHandler() throws Exception {
    CompletableFuture<Boolean> onEventLoop = new CompletableFuture<>();
    BlockingMessageHandler blocking = m -> {
      onEventLoop.complete(Context.isOnEventLoopThread());
      m.extendDeadline(Duration.ofSeconds(3)).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    };
    BlockingHandlerAdapter adapter = new BlockingHandlerAdapter(blocking);
    ConsumerOptions options = ConsumerOptions.parse(new JsonObject());
    onContext(() -> adapter.init(
        new HandlerSetup(vertx, new JsonObject(), options.kafka(), "b-test", options, clock)));
    usePipeline(new MockProducer<>(true, new StringSerializer(), new ByteArraySerializer()), false, adapter);

    accept(envelope("m1", 0, 30_000), 0);

    assertThat(onEventLoop.get(5, TimeUnit.SECONDS)).isFalse();
    assertThat(mock.history()).extracting(r -> decode(r).type())
        .containsExactly(Reply.Type.IN_PROGRESS, Reply.Type.ACK);
  }

  // ---- helpers ----

  private void accept(Envelope envelope, long offset) {
    onContext(() -> pipeline.accept(consumerRecord(TOPICS.messages(), envelope, offset)));
  }

  private CompletableFuture<Void> acceptAsync(Envelope envelope, long offset) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> pipeline.accept(consumerRecord(TOPICS.messages(), envelope, offset))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            done.complete(null);
          } else {
            done.completeExceptionally(ar.cause());
          }
        }));
    return done;
  }

  /** Runs {@code action} on the pipeline's event loop and waits for its Future. */
  private <T> T onContext(Supplier<Future<T>> action) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> action.get().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.completeExceptionally(ar.cause());
      }
    }));
    try {
      return result.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("pipeline did not finish: " + e, e);
    }
  }

  private static <T> T only(List<T> list) {
    assertThat(list).hasSize(1);
    return list.get(0);
  }

  private static Reply decode(ProducerRecord<String, byte[]> record) {
    try {
      return ReplyCodec.decode(record.value());
    } catch (InvalidRecordException e) {
      throw new AssertionError("not a reply: " + e.getMessage(), e);
    }
  }

  private static String header(ProducerRecord<String, byte[]> record, String name) {
    return EnvelopeCodec.optional(record.headers(), name);
  }
}

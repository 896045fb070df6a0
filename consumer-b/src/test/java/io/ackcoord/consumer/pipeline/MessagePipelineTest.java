package io.ackcoord.consumer.pipeline;

import static io.ackcoord.consumer.TestEnvelopes.consumerRecord;
import static io.ackcoord.consumer.TestEnvelopes.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ackcoord.consumer.dedupe.MarkerMacs;
import io.ackcoord.consumer.BlockingMessageHandler;
import io.ackcoord.consumer.ConsumerOptions;
import io.ackcoord.consumer.DedupeStore;
import io.ackcoord.consumer.HandlerSetup;
import io.ackcoord.consumer.IncomingMessage;
import io.ackcoord.consumer.MessageHandler;
import io.ackcoord.consumer.NonRetryableException;
import io.ackcoord.consumer.OwnershipLostException;
import io.ackcoord.consumer.dedupe.Fingerprints;
import io.ackcoord.consumer.dedupe.ProcessedIds;
import io.ackcoord.consumer.guarantee.AtLeastOnce;
import io.ackcoord.consumer.guarantee.Guarantee;
import io.ackcoord.consumer.kafka.Backoff;
import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.consumer.loop.Lease;
import io.ackcoord.consumer.loop.LeaseGuard;
import io.ackcoord.consumer.loop.PartitionEpochs;
import io.ackcoord.consumer.offsets.OffsetCommitter;
import io.ackcoord.consumer.offsets.OffsetTracker;
import io.ackcoord.consumer.replies.ReplySender;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.kafka.TopicNames;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.InvalidRecordException;
import io.ackcoord.protocol.ProcessedMarker;
import io.ackcoord.protocol.Reply;
import io.ackcoord.protocol.ReplyCodec;
import io.ackcoord.time.ManualClock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * B3 Parse to B6 Settle without a broker, in at-least-once mode: the producer is Kafka's MockProducer, commits go to a
 * list, and the clock is manual.
 */
@ExtendWith(VertxExtension.class)
class MessagePipelineTest {

  private static final TopicNames TOPICS = new TopicNames("unit.");
  private static final TopicPartition P0 = new TopicPartition(TOPICS.messages(), 0);
  private static final int REPLY_PARTITIONS = 3;
  private static final long LEASE_MS = 5_000;

  private final ConsumerStats stats = new ConsumerStats();
  private final ManualClock clock = new ManualClock();
  private final AtomicInteger calls = new AtomicInteger();
  private final PartitionEpochs epochs = new PartitionEpochs();
  private final OffsetTracker offsets = new OffsetTracker();
  private final List<Map<TopicPartition, OffsetAndMetadata>> commits = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private Context context;
  private MockProducer<String, byte[]> mock;
  private MessagePipeline pipeline;
  private ReplySender replies;
  private Lease lease;
  private LeaseGuard guard;
  private Function<IncomingMessage, Future<Void>> behaviour = m -> Future.succeededFuture();
  /** The dedupe record the next pipeline gets. */
  private DedupeStore store = new ProcessedIds(100);
  /** What a lease renewal does; by default the group confirms at once. */
  private Supplier<Future<Void>> renewal = () -> {
    lease.confirmed(clock.monotonicMillis());
    return Future.succeededFuture();
  };

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    epochs.assign(List.of(P0));
    lease = new Lease(clock, LEASE_MS);
    lease.confirmed(clock.monotonicMillis());
    useProducer(new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()), false);
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
      KafkaSender stream = new KafkaSender(producer, context, "test");
      replies = new ReplySender(vertx, stream, TOPICS, "b-test", clock, stats, new Backoff(1, 5),
          MarkerMacs.none()::mark);
      OffsetCommitter committer = new OffsetCommitter(vertx, offsets, (positions, readEpochs) -> {
        commits.add(positions);
        return Future.succeededFuture();
      }, stats, new Backoff(1, 5));
      guard = new LeaseGuard(vertx, clock, epochs, lease, () -> renewal.get(), new Backoff(1, 5), stats);
      Guarantee guarantee = new AtLeastOnce(replies, stream, guard, epochs, offsets, committer, clock, context,
          stats);
      return Future.succeededFuture(new MessagePipeline(vertx, context, handler, store, guarantee,
          guard, replies, epochs, clock, stats, autoExtend, REPLY_PARTITIONS,
          () -> Future.succeededFuture(REPLY_PARTITIONS)));
    });
  }

  @Test
  @DisplayName("a valid envelope is handled once and ACKed on the partition it names")
  void ackOnNamedPartition() {
    accept(envelope("m1", 2, 30_000), 0);

    assertThat(calls).hasValue(1);
    ProducerRecord<String, byte[]> sent = only(replies());
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
    assertThat(replies()).extracting(r -> decode(r).type()).containsExactly(Reply.Type.ACK, Reply.Type.ACK);
    assertThat(decode(replies().get(1)).attempt()).isEqualTo(2);
    assertThat(stats.duplicates()).isEqualTo(1);
  }

  @Test
  @DisplayName("the handler's message carries its id's fingerprint, the one B's stores take for that id")
  void deliveryCarriesFingerprint() {
    List<IncomingMessage> seen = new CopyOnWriteArrayList<>();
    behaviour = m -> {
      seen.add(m);
      return Future.succeededFuture();
    };

    accept(envelope("m1", 0, 30_000), 0);

    Delivery delivery = (Delivery) seen.get(0);
    Fingerprints fingerprints = new Fingerprints();
    assertThat(delivery.fingerprintHigh()).isEqualTo(fingerprints.high("m1"));
    assertThat(delivery.fingerprintLow()).isEqualTo(fingerprints.low());
    assertThat(store.contains("m1")).as("remembered under the same fingerprint").isTrue();
  }

  @Test
  @DisplayName("a dedupe store of another kind is asked and told by id")
  void otherStoreByIds() {
    Set<String> asked = new HashSet<>();
    Set<String> added = new HashSet<>();
    store = new DedupeStore() {
      @Override
      public void forget(Set<TopicPartition> partitions) {
      }

      @Override
      public boolean contains(String id) {
        asked.add(id);
        return added.contains(id);
      }

      @Override
      public void add(TopicPartition partition, String id) {
        added.add(id);
      }
    };
    useProducer(new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()), false);

    accept(envelope("m1", 0, 30_000), 0);
    accept(envelope("m1", 0, 30_000).forAttempt(2, 0, 30_000), 1);

    assertThat(asked).containsExactly("m1");
    assertThat(added).containsExactly("m1");
    assertThat(calls).hasValue(1);
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
    assertThat(replies()).as("no reply before the first copy finishes").isEmpty();

    context.runOnContext(v -> release.complete());
    first.get(5, TimeUnit.SECONDS);
    second.get(5, TimeUnit.SECONDS);

    assertThat(calls).hasValue(1);
    assertThat(replies()).extracting(r -> decode(r).attempt()).containsExactlyInAnyOrder(1, 2);
    assertThat(replies()).extracting(r -> decode(r).type()).containsOnly(Reply.Type.ACK);
  }

  @Test
  @DisplayName("a retryable failure is NACKed retryable=true and the next copy is processed again")
  void retryableFailure() {
    behaviour = m -> Future.failedFuture(new IllegalStateException("db down"));

    accept(envelope("m1", 1, 30_000), 0);
    accept(envelope("m1", 1, 30_000).forAttempt(2, 0, 30_000), 1);

    assertThat(calls).as("a failed id is not remembered").hasValue(2);
    Reply nack = decode(replies().get(0));
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

    Reply nack = decode(only(replies()));
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

    assertThat(replies()).extracting(r -> decode(r).type()).containsExactly(Reply.Type.NACK, Reply.Type.ACK);
    assertThat(decode(replies().get(0)).retryable()).isFalse();
  }

  @Test
  @DisplayName("a record that is not an envelope is copied to poison with the error and its source")
  void poison() {
    ConsumerRecord<String, byte[]> garbage =
        new ConsumerRecord<>(TOPICS.messages(), 0, 42, "k", "not an envelope".getBytes(StandardCharsets.UTF_8));
    garbage.headers().add("trace", "t1".getBytes(StandardCharsets.UTF_8));

    onContext(() -> pipeline.accept(inbound(garbage)));

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
  @DisplayName("a record whose header forges a log line is logged on one line (log injection, issue 13)")
  void unreadableRecordLoggedOnOneLine() {
    ConsumerRecord<String, byte[]> forged =
        new ConsumerRecord<>(TOPICS.messages(), 0, 43, "k", new byte[0]);
    forged.headers().add(EnvelopeCodec.VERSION, FORGED.getBytes(StandardCharsets.UTF_8));

    List<String> lines = logLines(() -> onContext(() -> pipeline.accept(inbound(forged))));

    assertThat(lines).anySatisfy(line -> assertThat(line).contains("not a valid envelope").contains("FAKE LOG LINE"));
    assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain("\n").doesNotContain("\r"));
    assertThat(only(mock.history()).topic()).isEqualTo(TOPICS.poison());
  }

  @Test
  @DisplayName("an envelope id and a handler's reason that forge log lines are logged on one line")
  void handlerFailureLoggedOnOneLine() {
    behaviour = m -> Future.failedFuture(new IllegalStateException("db down" + FORGED));

    List<String> lines = logLines(() -> {
      accept(envelope("m" + FORGED, 1, 30_000), 0);
      accept(envelope("m" + FORGED, 1, 30_000), 1);
    });

    assertThat(lines).anySatisfy(line -> assertThat(line).contains("Handler failed").contains("FAKE LOG LINE"));
    assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain("\n").doesNotContain("\r"));
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
  @DisplayName("a marker or reply the broker refuses is sent again; the record finishes only when both are confirmed")
  void replyRetried() throws Exception {
    useProducer(new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer()), false);

    CompletableFuture<Void> done = acceptAsync(envelope("m1", 0, 30_000), 0);
    await().until(() -> mock.errorNext(new NotEnoughReplicasException("isr too small")));
    await().until(() -> {
      mock.completeNext();
      return done.isDone();
    });
    done.get(5, TimeUnit.SECONDS);

    assertThat(mock.history()).as("one send failed and was repeated").hasSize(3);
    assertThat(replies()).extracting(r -> decode(r).type()).containsOnly(Reply.Type.ACK);
    assertThat(stats.acksSent()).isEqualTo(1);
    assertThat(calls).hasValue(1);
    assertThat(commits).as("committed after both were confirmed").isNotEmpty();
  }

  @Test
  @DisplayName("the first successful copy writes a processed marker to the partition with the record's index")
  void markerOnSuccess() throws InvalidRecordException {
    accept(envelope("m1", 2, 30_000), 0);
    accept(envelope("m1", 2, 30_000).forAttempt(2, 0, 30_000), 1);
    behaviour = m -> Future.failedFuture(new IllegalStateException("db down"));
    accept(envelope("m2", 2, 30_000), 2);

    ProducerRecord<String, byte[]> marker = only(sentTo(TOPICS.processed()));
    assertThat(ProcessedMarker.ids(marker.key(), marker.value())).extracting(ProcessedMarker.Marked::id)
        .containsExactly("m1");
    assertThat(marker.key()).startsWith("b-test#");
    assertThat(marker.partition()).isEqualTo(P0.partition());
    assertThat(new JsonObject(new String(marker.value(), StandardCharsets.UTF_8)).getString("consumer"))
        .isEqualTo("b-test");
    assertThat(commits).last().isEqualTo(Map.of(P0, new OffsetAndMetadata(3)));
  }

  @Test
  @DisplayName("a record of a partition that moved meanwhile is dropped: no reply, no marker, no commit")
  void partitionMovedWhileRunning() throws Exception {
    Promise<Void> release = Promise.promise();
    behaviour = m -> release.future();
    CompletableFuture<Void> done = acceptAsync(envelope("m1", 0, 30_000), 0);
    await().until(() -> calls.get() == 1);

    epochs.remove(List.of(P0));
    context.runOnContext(v -> release.complete());

    assertThat(done).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
        .havingRootCause().isInstanceOf(OwnershipLostException.class);
    assertThat(mock.history()).isEmpty();
    assertThat(commits).isEmpty();
  }

  @Test
  @DisplayName("B frozen past its lease: the handler is not started and, once the partition is lost, nothing is sent")
  void frozenBeforeHandler() {
    clock.advanceMillis(LEASE_MS * 3);
    renewal = () -> {
      // The renewing commit is refused (fenced generation) and the consumer then reports the partition lost.
      epochs.remove(List.of(P0));
      return Future.failedFuture(new CommitFailedException());
    };

    CompletableFuture<Void> done = acceptAsync(envelope("m1", 0, 30_000), 0);

    assertThat(done).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
        .havingRootCause().isInstanceOf(OwnershipLostException.class);
    assertThat(calls).hasValue(0);
    assertThat(mock.history()).isEmpty();
    assertThat(stats.effectsRefused()).isEqualTo(1);
  }

  @Test
  @DisplayName("B frozen while the handler worked: its effect is refused, then nothing is sent for the record")
  void frozenBeforeEffect() {
    behaviour = m -> {
      // The freeze happens between the handler's start and its effect.
      clock.advanceMillis(LEASE_MS * 3);
      return m.effects().send(new ProducerRecord<>(TOPICS.results(), 0, m.id(), new byte[0]));
    };
    renewal = () -> {
      epochs.remove(List.of(P0));
      return Future.failedFuture(new CommitFailedException());
    };

    CompletableFuture<Void> done = acceptAsync(envelope("m1", 0, 30_000), 0);

    assertThat(done).failsWithin(Duration.ofSeconds(5));
    assertThat(calls).hasValue(1);
    assertThat(mock.history()).as("no effect, no marker, no reply").isEmpty();
  }

  @Test
  @DisplayName("a revocation abandons effects waiting for a lease renewal instead of holding the rebalance up")
  void revocationAbandonsWaitingPermit() {
    clock.advanceMillis(LEASE_MS * 3);
    AtomicInteger renewals = new AtomicInteger();
    renewal = () -> {
      renewals.incrementAndGet();
      return Promise.<Void>promise().future(); // the consumer thread is busy revoking: no answer
    };
    CompletableFuture<Void> done = acceptAsync(envelope("m1", 0, 30_000), 0);
    await().until(() -> renewals.get() == 1);

    context.runOnContext(v -> {
      epochs.drain(List.of(P0));
      guard.abandon(java.util.Set.of(P0));
    });

    assertThat(done).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
        .havingRootCause().isInstanceOf(OwnershipLostException.class);
    assertThat(calls).hasValue(0);
    assertThat(mock.history()).isEmpty();
  }

  @Test
  @DisplayName("a lapsed lease is renewed before the effect, which is then written")
  void lapsedLeaseRenewed() {
    AtomicInteger renewals = new AtomicInteger();
    Supplier<Future<Void>> confirm = renewal;
    renewal = () -> {
      renewals.incrementAndGet();
      return confirm.get();
    };
    behaviour = m -> {
      clock.advanceMillis(LEASE_MS * 3);
      return m.effects().send(new ProducerRecord<>(TOPICS.results(), 0, m.id(), new byte[0]));
    };

    accept(envelope("m1", 0, 30_000), 0);

    assertThat(renewals).hasValue(1);
    assertThat(sentTo(TOPICS.results())).hasSize(1);
    assertThat(replies()).extracting(r -> decode(r).type()).containsExactly(Reply.Type.ACK);
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

    Reply progress = decode(replies().get(0));
    assertThat(progress.type()).isEqualTo(Reply.Type.IN_PROGRESS);
    assertThat(progress.extendMillis()).isEqualTo(7_000);
    assertThat(replies().get(0).partition()).isEqualTo(1);
    assertThat(decode(replies().get(1)).type()).isEqualTo(Reply.Type.ACK);
    assertThat(stats.inProgressSent()).isEqualTo(1);
    assertThat(message.extendDeadline(Duration.ofSeconds(1)).toCompletionStage().toCompletableFuture())
        .failsWithin(Duration.ofSeconds(5));
  }

  @Test
  @DisplayName("progress.auto.extend sends IN_PROGRESS for a handler still running at half the timeout")
  void autoExtend() throws Exception {
    useProducer(new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()), true);
    Promise<Void> release = Promise.promise();
    behaviour = m -> release.future();
    // A sent it just now (by B's clock) with a 200 ms timeout: the first extension is due after ~100 ms.
    Envelope envelope = envelope("m1", 0, 200).forAttempt(1, clock.wallMillis(), 200);

    CompletableFuture<Void> done = acceptAsync(envelope, 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> stats.inProgressSent() >= 2);
    context.runOnContext(v -> release.complete());
    done.get(5, TimeUnit.SECONDS);
    long extensions = stats.inProgressSent();

    List<ProducerRecord<String, byte[]>> sent = replies();
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
        new HandlerSetup(vertx, new JsonObject(), options.kafka(), "b-test", options, clock, Map.of())));
    usePipeline(new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()), false, adapter);

    accept(envelope("m1", 0, 30_000), 0);

    assertThat(onEventLoop.get(5, TimeUnit.SECONDS)).isFalse();
    assertThat(replies()).extracting(r -> decode(r).type())
        .containsExactly(Reply.Type.IN_PROGRESS, Reply.Type.ACK);
  }

  // ---- helpers ----

  /** A value from outside that, logged raw, would add a line of its own to B's log. */
  private static final String FORGED = "\n12:00:00.000 ERROR [main] i.a.Fake - FAKE LOG LINE\r\n";

  /** The formatted lines the pipeline logged (any level) while {@code action} ran. */
  private static List<String> logLines(Runnable action) {
    Logger logger = (Logger) LoggerFactory.getLogger(MessagePipeline.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Level before = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    logger.addAppender(appender);
    try {
      action.run();
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(before);
    }
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private void accept(Envelope envelope, long offset) {
    onContext(() -> pipeline.accept(inbound(envelope, offset)));
  }

  private Inbound inbound(Envelope envelope, long offset) {
    return inbound(consumerRecord(TOPICS.messages(), envelope, offset));
  }

  private Inbound inbound(ConsumerRecord<String, byte[]> record) {
    Inbound in = Inbound.of(record, epochs.current(P0));
    offsets.track(in.partition(), in.offset(), in.epoch());
    return in;
  }

  private CompletableFuture<Void> acceptAsync(Envelope envelope, long offset) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> pipeline.accept(inbound(envelope, offset))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            done.complete(null);
          } else {
            done.completeExceptionally(ar.cause());
          }
        }));
    return done;
  }

  /** What B sent to topic 2, in order. */
  private List<ProducerRecord<String, byte[]>> replies() {
    return sentTo(TOPICS.acks());
  }

  private List<ProducerRecord<String, byte[]>> sentTo(String topic) {
    return mock.history().stream().filter(r -> r.topic().equals(topic)).toList();
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

  /** The one reply a record holds (a v1 record, or a batch of one). */
  private static Reply decode(ProducerRecord<String, byte[]> record) {
    try {
      return only(ReplyCodec.decodeAll(record.value()).replies());
    } catch (InvalidRecordException e) {
      throw new AssertionError("not a reply: " + e.getMessage(), e);
    }
  }

  private static String header(ProducerRecord<String, byte[]> record, String name) {
    return EnvelopeCodec.optional(record.headers(), name);
  }
}

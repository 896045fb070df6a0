package io.ackcoord.consumer;

import static io.ackcoord.consumer.BFixture.assertOncePerId;
import static io.ackcoord.consumer.BFixture.await;
import static io.ackcoord.consumer.TestEnvelopes.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.consumer.handler.ResultTopicHandler;
import io.ackcoord.protocol.Reply;
import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.KafkaBrokerExtension;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * B dies between two of its writes and a new B (a new Vert.x instance, so nothing in memory survives) takes over:
 * the redelivered record is ACKed and its effect is on the results topic once. The first B is stopped without
 * committing: its handler never finishes, and its Vert.x instance is closed under it.
 */
@ExtendWith({VertxExtension.class, KafkaBrokerExtension.class})
class DurabilityIT {

  private BFixture b;
  private Vertx crashing;

  @AfterEach
  void tearDown() {
    if (crashing != null) {
      await(crashing.close());
    }
    if (b != null) {
      b.close();
    }
  }

  /** The default handler, then a hang: the effect is written (or staged), the outcome never comes. */
  static final class EffectThenHang extends ResultTopicHandler {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicBoolean effectDone = new AtomicBoolean();

    @Override
    public Future<Void> handle(IncomingMessage message) {
      calls.incrementAndGet();
      return super.handle(message).compose(v -> {
        effectDone.set(true);
        return Promise.<Void>promise().future();
      });
    }
  }

  /** The default handler, counting its calls per id. */
  static final class Counting extends ResultTopicHandler {
    final Map<String, Integer> calls = new ConcurrentHashMap<>();

    @Override
    public Future<Void> handle(IncomingMessage message) {
      calls.merge(message.id(), 1, Integer::sum);
      return super.handle(message);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ProcessingGuarantee.class)
  @DisplayName("killed after the effect, before the marker: the next B ACKs the record and writes no second effect")
  void crashAfterEffect(ProcessingGuarantee guarantee, Vertx vertx, KafkaBroker broker, TestInfo info) {
    b = new BFixture(broker, info.getDisplayName());
    crashing = Vertx.vertx();
    EffectThenHang first = new EffectThenHang();
    b.deploy(crashing, new ConsumerVerticle(first), b.config(guarantee));
    b.send(envelope("x", 0, 30_000));
    BFixture.await().untilTrue(first.effectDone);
    if (guarantee == ProcessingGuarantee.AT_LEAST_ONCE) {
      assertThat(b.results(true)).as("the effect is out before the crash").containsEntry("x", 1L);
    }

    await(crashing.close());
    crashing = null;
    Counting second = new Counting();
    ConsumerVerticle next = b.deploy(vertx, new ConsumerVerticle(second), b.config(guarantee));

    b.awaitReplies(replies -> replies.stream().anyMatch(r -> r.id().equals("x") && r.type() == Reply.Type.ACK));
    assertOncePerId(b.results(true), "x");
    assertThat(b.acks()).containsEntry("x", 1L);
    assertThat(first.calls).hasValue(1);
    assertThat(second.calls).as("the new B cannot know the effect is there before it looks").containsEntry("x", 1);
    if (guarantee == ProcessingGuarantee.AT_LEAST_ONCE) {
      assertThat(next.stats().effectsWritten()).as("found the result at restore: no second one").isZero();
    } else {
      // The first B's effect was staged for a transaction that never happened: nothing of it was ever written.
      assertOncePerId(b.results(false), "x");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ProcessingGuarantee.class)
  @DisplayName("killed after the marker, before the commit: the next B ACKs the record without calling the handler")
  void crashAfterMarker(ProcessingGuarantee guarantee, Vertx vertx, KafkaBroker broker, TestInfo info) {
    b = new BFixture(broker, info.getDisplayName());
    crashing = Vertx.vertx();
    Counting firstCalls = new Counting();
    // "slow" never finishes, so the committed position stays below "fast", which is done and marked.
    MessageHandler slowHangs = m -> m.id().equals("slow") ? Promise.<Void>promise().future() : firstCalls.handle(m);
    b.deploy(crashing, new ConsumerVerticle(new DelegatingResultHandler(slowHangs, firstCalls)),
        b.config(guarantee).put("topic.partitions", 1));
    b.sendTo(0, envelope("slow", 0, 30_000));
    b.sendTo(0, envelope("fast", 0, 30_000));
    b.awaitReplies(replies -> replies.stream().anyMatch(r -> r.id().equals("fast")));
    assertThat(b.kafka.committed(b.groupId())).as("nothing committed past slow")
        .doesNotContainEntry(new TopicPartition(b.topics.messages(), 0), new OffsetAndMetadata(2));

    await(crashing.close());
    crashing = null;
    Counting second = new Counting();
    ConsumerVerticle next = b.deploy(vertx, new ConsumerVerticle(second), b.config(guarantee));

    b.awaitReplies(replies -> replies.stream().filter(r -> r.type() == Reply.Type.ACK).count() == 3);
    assertThat(b.acks()).containsEntry("fast", 2L).containsEntry("slow", 1L);
    assertThat(second.calls).as("fast was restored as processed").doesNotContainKey("fast").containsEntry("slow", 1);
    assertThat(next.stats().duplicates()).isEqualTo(1);
    assertOncePerId(b.results(true), "slow", "fast");
    BFixture.await().untilAsserted(() -> assertThat(b.kafka.committed(b.groupId()))
        .containsEntry(new TopicPartition(b.topics.messages(), 0), new OffsetAndMetadata(2)));
  }

  /**
   * A handler that runs {@code decide} (which may hang or call the result handler) and forwards the partition
   * callbacks and init to the result handler, so that handler restores what it needs.
   */
  static final class DelegatingResultHandler implements MessageHandler {
    private final MessageHandler decide;
    private final ResultTopicHandler results;

    DelegatingResultHandler(MessageHandler decide, ResultTopicHandler results) {
      this.decide = decide;
      this.results = results;
    }

    @Override
    public Future<Void> init(HandlerSetup setup) {
      return results.init(setup);
    }

    @Override
    public Future<Void> onPartitionsAssigned(java.util.Set<TopicPartition> partitions) {
      return results.onPartitionsAssigned(partitions);
    }

    @Override
    public void onPartitionsRevoked(java.util.Set<TopicPartition> partitions) {
      results.onPartitionsRevoked(partitions);
    }

    @Override
    public Future<Void> handle(IncomingMessage message) {
      return decide.handle(message);
    }
  }
}

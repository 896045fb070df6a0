package io.ackcoord.consumer;

import static io.ackcoord.consumer.BFixture.assertOncePerId;
import static io.ackcoord.consumer.TestEnvelopes.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.consumer.KafkaTestClient.PartitionReply;
import io.ackcoord.consumer.handler.ResultTopicHandler;
import io.ackcoord.protocol.Reply;
import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.KafkaBrokerExtension;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A partition moves to another B while the first is still working on its records. What the first finishes while
 * the partition drains it answers and commits before letting go, so the new owner starts after it; what it has not
 * finished by then it must not reply to, write an effect for or commit afterwards: the new owner answers it, once.
 */
@ExtendWith({VertxExtension.class, KafkaBrokerExtension.class})
class RebalanceIT {

  private BFixture b;

  @AfterEach
  void tearDown() {
    if (b != null) {
      b.close();
    }
  }

  /** The default handler, held until released. */
  static final class Held extends ResultTopicHandler {
    final Promise<Void> release = Promise.promise();
    final AtomicInteger started = new AtomicInteger();

    @Override
    public Future<Void> handle(IncomingMessage message) {
      started.incrementAndGet();
      return release.future().compose(v -> super.handle(message));
    }
  }

  /**
   * The default handler, which after writing its effect holds the record until the record's partition starts
   * draining (then it finishes at once: work completing inside the revocation's wait) or until released.
   */
  static final class FinishesOnDrain extends ResultTopicHandler {
    final Promise<Void> release = Promise.promise();
    final AtomicInteger started = new AtomicInteger();
    final Set<String> finishedOnDrain = ConcurrentHashMap.newKeySet();
    private final Vertx vertx;

    FinishesOnDrain(Vertx vertx) {
      this.vertx = vertx;
    }

    @Override
    public Future<Void> handle(IncomingMessage message) {
      started.incrementAndGet();
      return super.handle(message).compose(v -> untilDrainingOrReleased(message));
    }

    private Future<Void> untilDrainingOrReleased(IncomingMessage message) {
      if (release.future().isComplete()) {
        return Future.succeededFuture();
      }
      return message.effects().permit().transform(ar -> {
        if (ar.failed() && ar.cause() instanceof OwnershipLostException) {
          finishedOnDrain.add(message.id());
          return Future.succeededFuture();
        }
        return vertx.timer(20).compose(t -> untilDrainingOrReleased(message));
      });
    }
  }

  /** Each guarantee under each consumer group protocol: revocation is incremental under both. */
  static Stream<Arguments> guaranteesAndProtocols() {
    return Stream.of(ProcessingGuarantee.values()).flatMap(g ->
        Stream.of(GroupProtocol.values()).map(p -> Arguments.of(g, p)));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("guaranteesAndProtocols")
  @DisplayName("records that finish while their partition drains are committed by the old owner: the new owner "
      + "never reads them, and each is ACKed once")
  void finishedWhileDrainingIsCommittedOnRevoke(ProcessingGuarantee guarantee, GroupProtocol protocol, Vertx vertx,
      KafkaBroker broker, TestInfo info) {
    b = new BFixture(broker, info.getDisplayName());
    FinishesOnDrain handler = new FinishesOnDrain(vertx);
    Moved m = moveOnePartition(vertx, guarantee, protocol, handler, handler.started, 10_000);
    ConsumerVerticle first = m.first();
    ConsumerVerticle second = m.second();
    TopicPartition moved = m.partition();
    Set<String> movedIds = m.ids();
    // Finished inside b1's revocation (nothing else completes them before release), and committed there.
    assertThat(handler.finishedOnDrain).containsExactlyInAnyOrderElementsOf(movedIds);
    Map<TopicPartition, OffsetAndMetadata> committed = b.kafka.committed(b.groupId());
    assertThat(committed).as("b1 committed the moved partition before letting go").containsKey(moved);
    assertThat(committed.get(moved).offset()).isEqualTo(2);

    // b2 starts after them: a new record on the moved partition is the first it reads.
    b.sendTo(moved.partition(), envelope("m4", 0, 30_000));
    BFixture.await().until(() -> b.acks().containsKey("m4"));
    assertThat(second.stats().received()).isEqualTo(1);
    vertx.runOnContext(v -> handler.release.complete());

    BFixture.await().until(() -> b.replies().size() >= 5);
    List<PartitionReply> replies = b.replies();
    assertThat(replies).hasSize(5).extracting(r -> r.reply().type()).containsOnly(Reply.Type.ACK);
    assertThat(replies).filteredOn(r -> !r.reply().id().equals("m4"))
        .extracting(r -> r.reply().consumerId()).containsOnly("b1");
    assertThat(first.stats().dropped()).isZero();
    assertOncePerId(b.acks(), "m0", "m1", "m2", "m3", "m4");
    assertOncePerId(b.results(true), "m0", "m1", "m2", "m3", "m4");
  }

  /** The epoch fence does not depend on the guarantee: the consumer protocol once is enough (CI time). */
  static Stream<Arguments> guaranteesThenConsumerProtocol() {
    return Stream.of(
        Arguments.of(ProcessingGuarantee.AT_LEAST_ONCE, GroupProtocol.CLASSIC),
        Arguments.of(ProcessingGuarantee.EXACTLY_ONCE, GroupProtocol.CLASSIC),
        Arguments.of(ProcessingGuarantee.AT_LEAST_ONCE, GroupProtocol.CONSUMER));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("guaranteesThenConsumerProtocol")
  @DisplayName("records of a partition revoked while its handler ran are answered by the new owner only")
  void revokedWhileRunning(ProcessingGuarantee guarantee, GroupProtocol protocol, Vertx vertx, KafkaBroker broker,
      TestInfo info) {
    b = new BFixture(broker, info.getDisplayName());
    Held held = new Held();
    // The first B waits 500 ms for its held records, then lets the moved partition go.
    Moved m = moveOnePartition(vertx, guarantee, protocol, held, held.started, 500);
    ConsumerVerticle first = m.first();
    Set<String> movedIds = m.ids();
    BFixture.await().until(() -> b.replies().size() >= 2);
    vertx.runOnContext(v -> held.release.complete());

    BFixture.await().until(() -> b.replies().size() >= 4 && first.stats().dropped() == 2);
    List<PartitionReply> replies = b.replies();
    assertThat(replies).hasSize(4).extracting(r -> r.reply().type()).containsOnly(Reply.Type.ACK);
    assertThat(replies).filteredOn(r -> movedIds.contains(r.reply().id()))
        .extracting(r -> r.reply().consumerId()).containsOnly("b2");
    assertThat(replies).filteredOn(r -> !movedIds.contains(r.reply().id()))
        .extracting(r -> r.reply().consumerId()).containsOnly("b1");
    assertOncePerId(b.results(true), "m0", "m1", "m2", "m3");
    assertOncePerId(b.results(false), "m0", "m1", "m2", "m3");
  }

  /** Which partition moved from the first B to the second, and the ids of the records on it. */
  private record Moved(ConsumerVerticle first, ConsumerVerticle second, TopicPartition partition, Set<String> ids) {
  }

  // B "b1" (running handler) owns both partitions of topic 1 and has started m0..m3 (m0, m2 on partition 0); then
  // "b2" joins and one partition moves to it, b1 waiting up to shutdownMillis for its started records.
  private Moved moveOnePartition(Vertx vertx, ProcessingGuarantee guarantee, GroupProtocol protocol,
      MessageHandler handler, AtomicInteger started, long shutdownMillis) {
    ConsumerVerticle first = b.deploy(vertx, new ConsumerVerticle(handler), b.config(guarantee, protocol)
        .put("topic.partitions", 2).put("consumer.instance.id", "b1").put("shutdown.timeout.ms", shutdownMillis));
    for (int i = 0; i < 4; i++) {
      b.sendTo(i % 2, envelope("m" + i, 0, 30_000));
    }
    BFixture.await().until(() -> started.get() == 4);
    ConsumerVerticle second = b.deploy(vertx, new ConsumerVerticle(),
        b.config(guarantee, protocol).put("consumer.instance.id", "b2"));
    BFixture.await().until(() -> second.assignedPartitions().size() == 1 && first.assignedPartitions().size() == 1);
    TopicPartition moved = second.assignedPartitions().iterator().next();
    return new Moved(first, second, moved, moved.partition() == 0 ? Set.of("m0", "m2") : Set.of("m1", "m3"));
  }
}

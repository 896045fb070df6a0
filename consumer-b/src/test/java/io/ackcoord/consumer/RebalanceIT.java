package io.ackcoord.consumer;

import static io.ackcoord.consumer.BFixture.assertOncePerId;
import static io.ackcoord.consumer.TestEnvelopes.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.consumer.KafkaTestClient.PartitionReply;
import io.ackcoord.protocol.Reply;
import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.KafkaBrokerExtension;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A partition moves to another B while the first is still working on its records: the first B must not reply,
 * write an effect or commit for them afterwards; the new owner answers them, once.
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

  @ParameterizedTest(name = "{0}")
  @EnumSource(ProcessingGuarantee.class)
  @DisplayName("records of a partition revoked while its handler ran are answered by the new owner only")
  void revokedWhileRunning(ProcessingGuarantee guarantee, Vertx vertx, KafkaBroker broker, TestInfo info) {
    b = new BFixture(broker, info.getDisplayName());
    Held held = new Held();
    ConsumerVerticle first = b.deploy(vertx, new ConsumerVerticle(held),
        b.config(guarantee).put("topic.partitions", 2).put("consumer.instance.id", "b1"));
    for (int i = 0; i < 4; i++) {
      b.sendTo(i % 2, envelope("m" + i, 0, 30_000));
    }
    BFixture.await().until(() -> held.started.get() == 4);

    // A second B joins: one partition moves to it; the first waits 500 ms for its held records, then lets go.
    ConsumerVerticle second = b.deploy(vertx, new ConsumerVerticle(),
        b.config(guarantee).put("consumer.instance.id", "b2"));
    BFixture.await().until(() -> second.assignedPartitions().size() == 1 && first.assignedPartitions().size() == 1);
    TopicPartition moved = second.assignedPartitions().iterator().next();
    BFixture.await().until(() -> b.replies().size() >= 2);
    vertx.runOnContext(v -> held.release.complete());

    BFixture.await().until(() -> b.replies().size() >= 4 && first.stats().dropped() == 2);
    List<PartitionReply> replies = b.replies();
    assertThat(replies).hasSize(4).extracting(r -> r.reply().type()).containsOnly(Reply.Type.ACK);
    Set<String> movedIds = moved.partition() == 0 ? Set.of("m0", "m2") : Set.of("m1", "m3");
    assertThat(replies).filteredOn(r -> movedIds.contains(r.reply().id()))
        .extracting(r -> r.reply().consumerId()).containsOnly("b2");
    assertThat(replies).filteredOn(r -> !movedIds.contains(r.reply().id()))
        .extracting(r -> r.reply().consumerId()).containsOnly("b1");
    assertOncePerId(b.results(true), "m0", "m1", "m2", "m3");
    assertOncePerId(b.results(false), "m0", "m1", "m2", "m3");
  }
}

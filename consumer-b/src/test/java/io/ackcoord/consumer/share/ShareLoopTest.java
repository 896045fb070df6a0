package io.ackcoord.consumer.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.time.ManualClock;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockShareConsumer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The share loop's words to the broker, against Kafka's {@link MockShareConsumer} (no broker, no sleeping). */
class ShareLoopTest {

  private static final String TOPIC = "t.messages";

  /** What the loop acknowledged, in order, as "offset:TYPE". */
  private final List<String> acknowledged = new CopyOnWriteArrayList<>();
  private final List<Inbound> handed = new CopyOnWriteArrayList<>();
  private final AtomicInteger redelivered = new AtomicInteger();
  private final ManualClock clock = new ManualClock();
  private final Vertx vertx = Vertx.vertx();
  private final MockShareConsumer<String, byte[]> consumer = new MockShareConsumer<>() {
    @Override
    public synchronized void acknowledge(ConsumerRecord<String, byte[]> record, AcknowledgeType type) {
      acknowledged.add(record.offset() + ":" + type.name());
      super.acknowledge(record, type);
    }
  };
  private final ShareLoop loop = new ShareLoop(() -> consumer, vertx.getOrCreateContext(),
      new ShareLocks(clock, 30_000), clock, Duration.ofMillis(5), Duration.ofSeconds(1), "share-loop-test");

  @AfterEach
  void close() throws Exception {
    loop.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void start() {
    loop.start(TOPIC, new ShareLoop.Listener() {
      @Override
      public void records(List<Inbound> records) {
        handed.addAll(records);
      }

      @Override
      public void redelivered(int count) {
        redelivered.addAndGet(count);
      }

      @Override
      public void failed(RuntimeException error) {
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.subscription().isEmpty());
  }

  /** Makes the records the next poll's, all together (the mock's methods hold its lock). */
  @SafeVarargs
  private void poll(ConsumerRecord<String, byte[]>... records) {
    synchronized (consumer) {
      for (ConsumerRecord<String, byte[]> r : records) {
        consumer.addRecord(r);
      }
    }
  }

  private static ConsumerRecord<String, byte[]> record(long offset, int deliveryCount) {
    return new ConsumerRecord<>(TOPIC, 0, offset, 0L, TimestampType.CREATE_TIME, 0, 0, "k" + offset, new byte[0],
        new RecordHeaders(), Optional.empty(), Optional.of((short) deliveryCount));
  }

  @Test
  @DisplayName("a first delivery goes to B and is accepted only once B says so; a second delivery is accepted unprocessed")
  void firstDeliveriesProcessedRedeliveriesAccepted() {
    start();
    poll(record(0, 1), record(1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> handed.size() == 1 && redelivered.get() == 1);

    assertThat(handed).extracting(Inbound::offset).containsExactly(0L);
    assertThat(acknowledged).containsExactly("1:ACCEPT");
    loop.accept(handed.get(0));
    await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.contains("0:ACCEPT"));
    loop.release(handed.get(0));
    poll(record(2, 1));
    await().atMost(Duration.ofSeconds(10)).until(() -> handed.size() == 2);
    assertThat(acknowledged).as("the first word counts").doesNotContain("0:RELEASE");
  }

  @Test
  @DisplayName("several deliveries of one record in one poll: every copy is accepted, none is processed")
  void copiesInOnePoll() {
    start();
    poll(record(5, 1), record(5, 2), record(5, 3));
    await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.size() == 3);

    assertThat(acknowledged).containsOnly("5:ACCEPT");
    assertThat(handed).isEmpty();
    assertThat(redelivered).hasValue(1);
  }

  @Test
  @DisplayName("a record still running when its lock is half gone is renewed with the rest of its wave, then waited for")
  void renewsWhenDue() {
    start();
    poll(record(0, 1), record(1, 1));
    await().atMost(Duration.ofSeconds(10)).until(() -> handed.size() == 2);
    loop.reject(handed.get(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.contains("1:REJECT"));
    assertThat(acknowledged).doesNotContain("0:RENEW");

    clock.advanceMillis(16_000);
    await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.contains("0:RENEW"));
    // The client hands the renewed record back; its word then goes to it.
    poll(record(0, 1));
    loop.accept(handed.get(0));
    await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.contains("0:ACCEPT"));
    assertThat(handed).as("a returned renewed record is not handed over again").hasSize(2);
  }
}

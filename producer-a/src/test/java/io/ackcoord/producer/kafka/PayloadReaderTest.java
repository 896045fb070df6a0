package io.ackcoord.producer.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.producer.coordinator.Coordinator.PayloadGoneException;
import io.ackcoord.producer.ledger.Position;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reading payloads back by position, with Kafka's MockConsumer standing in for topic 1 (the re-sends of A against
 * the real broker are in the integration tests).
 */
@ExtendWith(VertxExtension.class)
class PayloadReaderTest {

  private static final String TOPIC = "unit.messages";

  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("none");
  private PayloadReader reader;

  private PayloadReader reader(Vertx vertx, long timeoutMillis) {
    reader = new PayloadReader(() -> consumer, TOPIC, vertx.getOrCreateContext(), timeoutMillis, "test");
    return reader;
  }

  @AfterEach
  void close() throws Exception {
    if (reader != null) {
      reader.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  // Records from..from+count-1 of a partition, keyed "m<p>-<offset>", kept like a log: the mock forgets what it
  // handed out, so every poll offers them all again (it returns those at or after the position).
  private void topic(int partition, long from, long count) {
    TopicPartition tp = new TopicPartition(TOPIC, partition);
    consumer.updateBeginningOffsets(Map.of(tp, from));
    consumer.updateEndOffsets(Map.of(tp, from + count));
    offerEveryPoll(tp, from, count);
  }

  private void offerEveryPoll(TopicPartition tp, long from, long count) {
    consumer.schedulePollTask(() -> {
      if (consumer.assignment().contains(tp)) {
        for (long o = from; o < from + count; o++) {
          consumer.addRecord(new ConsumerRecord<>(TOPIC, tp.partition(), o, "m" + tp.partition() + "-" + o,
              ("payload " + tp.partition() + "-" + o).getBytes(StandardCharsets.UTF_8)));
        }
      }
      offerEveryPoll(tp, from, count);
    });
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> f) throws Exception {
    try {
      get(f);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  @DisplayName("reads many payloads of several partitions, each by its position, the bytes as written")
  void readsBack(Vertx vertx) throws Exception {
    topic(0, 0, 50);
    topic(1, 0, 50);
    PayloadReader r = reader(vertx, 10_000);
    List<Future<byte[]>> reads = new ArrayList<>();
    for (long o = 49; o >= 0; o -= 7) {
      reads.add(r.read("m0-" + o, new Position(0, o)));
      reads.add(r.read("m1-" + o, new Position(1, o)));
    }

    int i = 0;
    for (long o = 49; o >= 0; o -= 7) {
      assertThat(new String(get(reads.get(i++)), StandardCharsets.UTF_8)).isEqualTo("payload 0-" + o);
      assertThat(new String(get(reads.get(i++)), StandardCharsets.UTF_8)).isEqualTo("payload 1-" + o);
    }
  }

  @Test
  @DisplayName("a record of another message at the position, or no record there, is gone for good")
  void wrongRecordIsGone(Vertx vertx) throws Exception {
    topic(0, 0, 10);
    PayloadReader r = reader(vertx, 10_000);

    assertThat(failure(r.read("someone-else", new Position(0, 3))))
        .isInstanceOf(PayloadGoneException.class).hasMessageContaining("is not this message's");
    assertThat(get(r.read("m0-4", new Position(0, 4)))).isNotEmpty();
  }

  @Test
  @DisplayName("a record below the partition's start (deleted by retention) is gone; the others are still read")
  void deletedIsGone(Vertx vertx) throws Exception {
    TopicPartition tp = new TopicPartition(TOPIC, 0);
    consumer.setPollException(new OffsetOutOfRangeException("out of range", Map.of(tp, 2L)));
    topic(0, 5, 5);
    PayloadReader r = reader(vertx, 10_000);
    Future<byte[]> deleted = r.read("m0-2", new Position(0, 2));
    Future<byte[]> kept = r.read("m0-7", new Position(0, 7));

    assertThat(failure(deleted)).isInstanceOf(PayloadGoneException.class)
        .hasMessageContaining("was deleted").hasMessageContaining("starts at offset 5");
    assertThat(new String(get(kept), StandardCharsets.UTF_8)).isEqualTo("payload 0-7");
  }

  @Test
  @DisplayName("a read the broker does not answer in time fails as worth retrying, not as gone")
  void unansweredTimesOut(Vertx vertx) throws Exception {
    consumer.updateBeginningOffsets(Map.of(new TopicPartition(TOPIC, 0), 0L));
    PayloadReader r = reader(vertx, 300);

    assertThat(failure(r.read("m0-1", new Position(0, 1)))).isInstanceOf(TimeoutException.class)
        .hasMessageContaining("within 300 ms");
  }

  @Test
  @DisplayName("reads after close fail at once")
  void closed(Vertx vertx) throws Exception {
    PayloadReader r = reader(vertx, 1000);
    get(r.close());
    reader = null;

    assertThat(failure(r.read("m", new Position(0, 0)))).isInstanceOf(IllegalStateException.class);
  }
}

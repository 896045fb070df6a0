package io.ackcoord.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link KafkaSender} against Kafka's own MockProducer: order, where futures complete, failures, close. */
@ExtendWith(VertxExtension.class)
class KafkaSenderTest {

  private final MockProducer<String, byte[]> mock =
      new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());

  @Test
  @DisplayName("records reach the producer in send order; each future completes on the sender's context when the "
      + "broker answers, successes and failures alike")
  void orderAndCompletion(Vertx vertx, VertxTestContext test) throws Exception {
    Context context = vertx.getOrCreateContext();
    KafkaSender sender = new KafkaSender(mock, context, "t");
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    List<Context> completedOn = new CopyOnWriteArrayList<>();
    context.runOnContext(v -> {
      for (int i = 0; i < 100; i++) {
        sent.add(sender.send(new ProducerRecord<>("t", 0, "k" + i, new byte[] {(byte) i}))
            .onComplete(ar -> completedOn.add(Vertx.currentContext())));
      }
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> mock.history().size() == 100);
    assertThat(mock.history()).extracting(ProducerRecord::key)
        .containsExactlyElementsOf(IntStream.range(0, 100).mapToObj(i -> "k" + i).toList());
    assertThat(sent).noneMatch(Future::isComplete);

    mock.errorNext(new RecordTooLargeException("too large"));
    while (mock.completeNext()) {
      // the other 99 succeed
    }
    Future.join(new ArrayList<Future<?>>(sent)).onComplete(ar -> test.verify(() -> {
      assertThat(completedOn).hasSize(100).allMatch(c -> c == context);
      assertThat(sent.get(0).cause()).isInstanceOf(RecordTooLargeException.class);
      assertThat(sent.subList(1, 100)).allMatch(Future::succeeded);
      assertThat(sent.get(99).result().offset()).isEqualTo(99);
      test.completeNow();
    }));
    assertThat(test.awaitCompletion(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @DisplayName("a send the producer refuses at once (here: closed) fails its future instead of throwing")
  void refusedAtOnce(Vertx vertx, VertxTestContext test) throws Exception {
    Context context = vertx.getOrCreateContext();
    KafkaSender sender = new KafkaSender(mock, context, "t");
    mock.close();
    context.runOnContext(v -> sender.send(new ProducerRecord<>("t", "k", new byte[0]))
        .onComplete(test.failing(err -> test.verify(() -> {
          assertThat(err).isInstanceOf(IllegalStateException.class);
          test.completeNow();
        }))));
    assertThat(test.awaitCompletion(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @DisplayName("close sends what came before it, closes the producer, and fails what comes after")
  void close(Vertx vertx, VertxTestContext test) throws Exception {
    Context context = vertx.getOrCreateContext();
    KafkaSender sender = new KafkaSender(mock, context, "t");
    context.runOnContext(v -> {
      sender.send(new ProducerRecord<>("t", 0, "before", new byte[0]));
      sender.close(1_000).onComplete(test.succeeding(closed -> test.verify(() -> {
        assertThat(mock.closed()).isTrue();
        assertThat(mock.history()).extracting(ProducerRecord::key).containsExactly("before");
        sender.send(new ProducerRecord<>("t", 0, "after", new byte[0]))
            .onComplete(test.failing(err -> test.verify(() -> {
              assertThat(err).hasMessageContaining("closed");
              test.completeNow();
            })));
      })));
    });
    assertThat(test.awaitCompletion(5, TimeUnit.SECONDS)).isTrue();
  }
}

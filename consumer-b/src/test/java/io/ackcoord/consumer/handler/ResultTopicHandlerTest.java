package io.ackcoord.consumer.handler;

import static io.ackcoord.consumer.TestEnvelopes.consumerRecord;
import static io.ackcoord.consumer.TestEnvelopes.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.consumer.ConsumerOptions;
import io.ackcoord.consumer.Effects;
import io.ackcoord.consumer.HandlerSetup;
import io.ackcoord.consumer.IncomingMessage;
import io.ackcoord.consumer.dedupe.Fingerprints;
import io.ackcoord.consumer.pipeline.Delivery;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.time.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The default handler's written-id store without a broker (at-least-once, no simulated work): B's own
 * {@link Delivery} is looked up by the fingerprint it carries, any other {@link IncomingMessage} by its id, and
 * both must find the same entries.
 */
@ExtendWith(VertxExtension.class)
class ResultTopicHandlerTest {

  private final List<ProducerRecord<String, byte[]>> sent = new CopyOnWriteArrayList<>();
  private final Effects effects = new Effects() {
    @Override
    public Future<Void> send(ProducerRecord<String, byte[]> record) {
      sent.add(record);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> permit() {
      return Future.succeededFuture();
    }
  };
  private Vertx vertx;
  private ResultTopicHandler handler;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    ConsumerOptions options = ConsumerOptions.parse(new JsonObject());
    handler = new ResultTopicHandler();
    assertThat(handler.init(new HandlerSetup(vertx, null, options.kafka(), "b-test", options, new ManualClock(),
        Map.of())).succeeded()).as("init without a partition check").isTrue();
  }

  @Test
  @DisplayName("one result per id, whether the copies come as B's deliveries or as other messages")
  void oneResultPerIdEitherWay() {
    handle(delivery("m1"));
    handle(plain("m1"));
    handle(delivery("m1"));
    handle(plain("m2"));
    handle(delivery("m2"));
    handle(delivery("m3"));

    assertThat(sent).extracting(ProducerRecord::key).containsExactly("m1", "m2", "m3");
  }

  private void handle(IncomingMessage message) {
    assertThat(handler.handle(message).succeeded()).isTrue();
  }

  private Delivery delivery(String id) {
    Envelope envelope = envelope(id, 0, 30_000);
    Fingerprints fingerprints = new Fingerprints();
    long high = fingerprints.high(id);
    return new Delivery(envelope, consumerRecord("unit.messages", envelope, 0), vertx.getOrCreateContext(),
        ms -> Future.succeededFuture(), effects, high, fingerprints.low());
  }

  private IncomingMessage plain(String id) {
    Envelope envelope = envelope(id, 0, 30_000);
    return new IncomingMessage() {
      @Override
      public Envelope envelope() {
        return envelope;
      }

      @Override
      public String topic() {
        return "unit.messages";
      }

      @Override
      public int partition() {
        return 0;
      }

      @Override
      public long offset() {
        return 0;
      }

      @Override
      public Effects effects() {
        return effects;
      }

      @Override
      public Future<Void> extendDeadline(Duration extension) {
        return Future.succeededFuture();
      }
    };
  }
}

package io.ackcoord.producer.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.kafka.TopicNames;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Topic 2 is writable by anyone with access to the cluster: what A logs of an unreadable reply stays on one line
 * (log injection, issue 13). Kafka's MockConsumer and MockProducer stand in for the broker.
 */
@ExtendWith(VertxExtension.class)
class ReplyListenerLogTest {

  private static final TopicNames TOPICS = new TopicNames("unit.");

  @Test
  @DisplayName("an unreadable reply whose text forges a log line is logged on one line and parked as poison")
  void unreadableReplyLoggedOnOneLine(Vertx vertx) throws Exception {
    TopicPartition partition = new TopicPartition(TOPICS.acks(), 0);
    MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    consumer.updateBeginningOffsets(Map.of(partition, 0L));
    consumer.updateEndOffsets(Map.of(partition, 0L));
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    Context context = vertx.getOrCreateContext();
    KafkaOutbound outbound = new KafkaOutbound(new KafkaSender(producer, context, "test"),
        new PayloadReader(() -> new MockConsumer<>("none"), TOPICS.messages(), context, 1000, "test"), TOPICS);
    ReplyListener listener =
        new ReplyListener(vertx, KafkaReadStream.create(vertx, consumer), partition, "a1", null, outbound);
    Logger logger = (Logger) LoggerFactory.getLogger(ReplyListener.class);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    logger.addAppender(log);
    try {
      CompletableFuture<Void> started = new CompletableFuture<>();
      context.runOnContext(v -> listener.start(-1).onComplete(ar -> started.complete(null)));
      started.get(10, TimeUnit.SECONDS);
      // A JSON string may hold any character: decoded, this "version" holds a line break and a fake log line.
      byte[] forged = "{\"v\":\"2\\n12:00:00.000 ERROR [main] i.a.Fake - FAKE LOG LINE\\r\\n\"}"
          .getBytes(StandardCharsets.UTF_8);
      consumer.schedulePollTask(() -> consumer.addRecord(
          new ConsumerRecord<>(partition.topic(), 0, 0, "k", forged)));
      await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
    } finally {
      logger.detachAppender(log);
      CompletableFuture<Void> stopped = new CompletableFuture<>();
      context.runOnContext(v -> listener.stop().onComplete(ar -> stopped.complete(null)));
      stopped.get(10, TimeUnit.SECONDS);
    }

    assertThat(producer.history().get(0).topic()).isEqualTo(TOPICS.poison());
    List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("Invalid reply").contains("FAKE LOG LINE"));
    assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain("\n").doesNotContain("\r"));
  }
}

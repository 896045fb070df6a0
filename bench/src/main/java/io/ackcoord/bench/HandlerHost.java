package io.ackcoord.bench;

import io.ackcoord.consumer.ConsumerOptions;
import io.ackcoord.consumer.Effects;
import io.ackcoord.consumer.HandlerSetup;
import io.ackcoord.consumer.IncomingMessage;
import io.ackcoord.consumer.MessageHandler;
import io.ackcoord.consumer.handler.ResultTopicHandler;
import io.ackcoord.kafka.KafkaSettings;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.time.Clock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * B's default handler, {@link ResultTopicHandler}, run unchanged through its public API on one Vert.x event loop
 * with a producer of its own ({@code acks=all}, idempotent) for its result records: what the plain Kafka peers of
 * the benchmark ({@link BaselineConsumer}, {@link ShareGroupConsumer}) run per record. Their poll threads hand each
 * batch over and wait for its results before they commit or acknowledge it.
 */
final class HandlerHost implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final KafkaProducer<String, byte[]> producer;
  private final MessageHandler handler = new ResultTopicHandler();
  private final KafkaSettings kafka;
  private final String consumerId;
  private final Effects effects;

  /**
   * The command line of a plain peer's consumer: {@code BOOTSTRAP PREFIX GROUP PARTITIONS} and then its own.
   *
   * @param partitions partitions of the messages and the results topic
   * @param more       the consumer's own arguments
   */
  record Args(String bootstrap, String prefix, String group, int partitions, List<String> more) {

    /** Parses {@code args}, or prints {@code usage: TOOL BOOTSTRAP PREFIX GROUP PARTITIONS MORE...} and exits. */
    static Args parse(String[] args, String tool, String... more) {
      if (args.length != 4 + more.length) {
        System.err.println("usage: " + tool + " BOOTSTRAP PREFIX GROUP PARTITIONS " + String.join(" ", more));
        System.exit(2);
      }
      return new Args(args[0], args[1], args[2], Integer.parseInt(args[3]), List.of(args).subList(4, args.length));
    }
  }

  /**
   * Starts the handler on the topics of {@code args.prefix()}.
   *
   * @param consumerId the handler's consumer id (written into each result), and the producer's client id's infix
   */
  HandlerHost(Args args, String consumerId) {
    String bootstrap = args.bootstrap();
    String group = args.group();
    String prefix = args.prefix();
    int partitions = args.partitions();
    ConsumerOptions options = ConsumerOptions.parse(new JsonObject()
        .put(KafkaSettings.BOOTSTRAP, bootstrap)
        .put(KafkaSettings.TOPIC_PREFIX, prefix)
        .put(ConsumerOptions.GROUP_ID, group)
        .put("http.port", -1));
    kafka = options.kafka();
    this.consumerId = consumerId;
    producer = new KafkaProducer<>(Map.<String, Object>of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
        ProducerConfig.CLIENT_ID_CONFIG, "bench-" + consumerId + "-effects"), new StringSerializer(),
        new ByteArraySerializer());
    effects = new Effects() {
      @Override
      public Future<Void> send(ProducerRecord<String, byte[]> record) {
        Promise<Void> written = Promise.promise();
        // Back on the handler's event loop, like every callback B's handler gets.
        producer.send(record, (metadata, err) -> context.runOnContext(v -> {
          if (err == null) {
            written.complete();
          } else {
            written.fail(err);
          }
        }));
        return written.future();
      }

      @Override
      public Future<Void> permit() {
        return Future.succeededFuture();
      }
    };
    HandlerSetup setup = new HandlerSetup(vertx, new JsonObject(), kafka, consumerId, options, Clock.SYSTEM,
        Map.of(kafka.topics().messages(), partitions, kafka.topics().results(), partitions));
    await(onContext(() -> handler.init(setup)));
  }

  /** The topic the messages are read from. */
  String messagesTopic() {
    return kafka.topics().messages();
  }

  /** Tells the handler about partitions it now gets records of, and waits until it is ready for them. */
  void assigned(Set<TopicPartition> partitions) {
    await(onContext(() -> handler.onPartitionsAssigned(partitions)));
  }

  /** Tells the handler about partitions it gets no more records of. */
  void revoked(Set<TopicPartition> partitions) {
    context.runOnContext(v -> handler.onPartitionsRevoked(partitions));
  }

  /**
   * Runs the handler on every record of a batch, all at once on the event loop, and waits until each one's result
   * is durable.
   *
   * @throws IllegalStateException if one failed, or the batch took over 60 s
   */
  void process(ConsumerRecords<String, byte[]> records) {
    await(onContext(() -> {
      List<Future<Void>> results = new ArrayList<>(records.count());
      for (ConsumerRecord<String, byte[]> r : records) {
        results.add(handler.handle(message(r)));
      }
      return Future.all(results).mapEmpty();
    }));
  }

  /**
   * A poll thread's loop: polls, {@link #process processes} each batch, then hands it to {@code processed} (to commit
   * or acknowledge it), until the consumer is woken up.
   *
   * @param poll the consumer's {@code poll}
   */
  void serve(Function<Duration, ConsumerRecords<String, byte[]>> poll,
      Consumer<ConsumerRecords<String, byte[]>> processed) {
    try {
      while (true) {
        ConsumerRecords<String, byte[]> records = poll.apply(Duration.ofMillis(100));
        if (!records.isEmpty()) {
          process(records);
          processed.accept(records);
        }
      }
    } catch (WakeupException e) {
      // shutting down
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // exiting anyway
    }
  }

  private IncomingMessage message(ConsumerRecord<String, byte[]> r) {
    return new Incoming(new Envelope(r.key(), consumerId, 1, r.timestamp(), r.timestamp(), 0, 0, null, r.value()),
        r, effects);
  }

  /** A record as the handler sees it: attempt 1, no deadline (the plain peers have none). */
  private record Incoming(Envelope envelope, ConsumerRecord<String, byte[]> r, Effects effects)
      implements IncomingMessage {
    @Override
    public String topic() {
      return r.topic();
    }

    @Override
    public int partition() {
      return r.partition();
    }

    @Override
    public long offset() {
      return r.offset();
    }

    @Override
    public Future<Void> extendDeadline(Duration extension) {
      return Future.failedFuture("the plain Kafka peers have no deadlines");
    }
  }

  private Future<Void> onContext(Supplier<Future<Void>> work) {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(promise));
    return promise.future();
  }

  // A poll thread's one wait: the batch handed to the event loop.
  private static void await(Future<Void> future) {
    CompletableFuture<Void> f = future.toCompletionStage().toCompletableFuture();
    try {
      f.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the handler failed", e);
    }
  }
}

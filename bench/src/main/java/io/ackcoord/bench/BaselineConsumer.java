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
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The baseline's consumer, run as its own process like B: a plain at-least-once Kafka consumer that runs B's
 * default handler, {@link ResultTopicHandler}, unchanged through its public API (one result record per message,
 * keyed by id, {@code acks=all}), and commits a batch's offsets after all of its results are durable. No ACK topic,
 * no processed-id markers, no ledger: what ackcoord adds is exactly what this leaves out.
 *
 * <p>The handler runs on one Vert.x event loop, as in B; the poll thread hands each batch to it and waits for the
 * batch's results before committing and polling again.
 *
 * <pre>java -cp … io.ackcoord.bench.BaselineConsumer BOOTSTRAP PREFIX GROUP PARTITIONS</pre>
 *
 * <p>A command-line tool: it prints {@value #READY} on stdout once it owns its partitions.
 */
public final class BaselineConsumer {

  static final String READY = "baseline consumer ready";

  private BaselineConsumer() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: BaselineConsumer BOOTSTRAP PREFIX GROUP PARTITIONS");
      System.exit(2);
    }
    String bootstrap = args[0];
    String group = args[2];
    int partitions = Integer.parseInt(args[3]);
    ConsumerOptions options = ConsumerOptions.parse(new JsonObject()
        .put(KafkaSettings.BOOTSTRAP, bootstrap)
        .put(KafkaSettings.TOPIC_PREFIX, args[1])
        .put(ConsumerOptions.GROUP_ID, group)
        .put("http.port", -1));
    KafkaSettings kafka = options.kafka();
    Vertx vertx = Vertx.vertx();
    Context context = vertx.getOrCreateContext();
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.<String, Object>of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
        ProducerConfig.CLIENT_ID_CONFIG, "bench-baseline-effects"), new StringSerializer(), new ByteArraySerializer());
    MessageHandler handler = new ResultTopicHandler();
    HandlerSetup setup = new HandlerSetup(vertx, new JsonObject(), kafka, "baseline", options, Clock.SYSTEM,
        Map.of(kafka.topics().messages(), partitions, kafka.topics().results(), partitions));
    await(onContext(context, () -> handler.init(setup)));

    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.<String, Object>of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, group,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.CLIENT_ID_CONFIG, "bench-baseline-consumer"), new StringDeserializer(),
        new ByteArrayDeserializer());
    Effects effects = new Effects() {
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
    Runtime.getRuntime().addShutdownHook(new Thread(consumer::wakeup, "baseline-consumer-stop"));
    consumer.subscribe(List.of(kafka.topics().messages()), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        context.runOnContext(v -> handler.onPartitionsRevoked(new HashSet<>(revoked)));
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        if (assigned.isEmpty()) {
          return;
        }
        await(onContext(context, () -> handler.onPartitionsAssigned(new HashSet<>(assigned))));
        if (consumer.assignment().size() == partitions) {
          System.out.println(READY);
        }
      }
    });
    try {
      while (true) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
        if (records.isEmpty()) {
          continue;
        }
        await(onContext(context, () -> process(handler, effects, records)));
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
          List<ConsumerRecord<String, byte[]>> of = records.records(tp);
          offsets.put(tp, new OffsetAndMetadata(of.get(of.size() - 1).offset() + 1));
        }
        // After processing: a crash before this commit redelivers the batch (at-least-once).
        consumer.commitAsync(offsets, null);
      }
    } catch (WakeupException e) {
      // shutting down
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
      producer.close(Duration.ofSeconds(5));
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static Future<Void> process(MessageHandler handler, Effects effects,
      ConsumerRecords<String, byte[]> records) {
    List<Future<Void>> results = new ArrayList<>(records.count());
    for (ConsumerRecord<String, byte[]> r : records) {
      results.add(handler.handle(message(r, effects)));
    }
    return Future.all(results).mapEmpty();
  }

  private static IncomingMessage message(ConsumerRecord<String, byte[]> r, Effects effects) {
    Envelope envelope = new Envelope(r.key(), "baseline", 1, r.timestamp(), r.timestamp(), 0, 0, null, r.value());
    return new IncomingMessage() {
      @Override
      public Envelope envelope() {
        return envelope;
      }

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
      public Effects effects() {
        return effects;
      }

      @Override
      public Future<Void> extendDeadline(Duration extension) {
        return Future.failedFuture("the baseline has no deadlines");
      }
    };
  }

  private static Future<Void> onContext(Context context, java.util.function.Supplier<Future<Void>> work) {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(promise));
    return promise.future();
  }

  // The poll thread's one wait: the batch handed to the event loop.
  private static void await(Future<Void> future) {
    CompletableFuture<Void> f = future.toCompletionStage().toCompletableFuture();
    try {
      f.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("baseline handler failed", e);
    }
  }
}

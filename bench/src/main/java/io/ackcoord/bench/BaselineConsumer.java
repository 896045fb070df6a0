package io.ackcoord.bench;

import io.ackcoord.consumer.handler.ResultTopicHandler;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The baseline's consumer, run as its own process like B: a plain at-least-once Kafka consumer that runs B's
 * default handler, {@link ResultTopicHandler}, unchanged through its public API (one result record per message,
 * keyed by id, {@code acks=all}), and commits a batch's offsets after all of its results are durable. No ACK topic,
 * no processed-id markers, no ledger: what ackcoord adds is exactly what this leaves out.
 *
 * <p>The handler runs on one Vert.x event loop, as in B ({@link HandlerHost}); the poll thread hands each batch to it
 * and waits for the batch's results before committing and polling again.
 *
 * <pre>java -cp … io.ackcoord.bench.BaselineConsumer BOOTSTRAP PREFIX GROUP PARTITIONS</pre>
 *
 * <p>A command-line tool: it prints {@value #READY} on stdout once it owns its partitions.
 */
public final class BaselineConsumer {

  static final String READY = "baseline consumer ready";

  private BaselineConsumer() {
  }

  /**
   * Runs the consumer until SIGTERM.
   *
   * @param args {@code BOOTSTRAP PREFIX GROUP PARTITIONS}
   */
  public static void main(String[] args) {
    HandlerHost.Args a = HandlerHost.Args.parse(args, "BaselineConsumer");
    HandlerHost host = new HandlerHost(a, "baseline");
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.<String, Object>of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, a.bootstrap(),
        ConsumerConfig.GROUP_ID_CONFIG, a.group(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.CLIENT_ID_CONFIG, "bench-baseline-consumer"), new StringDeserializer(),
        new ByteArrayDeserializer());
    Runtime.getRuntime().addShutdownHook(new Thread(consumer::wakeup, "baseline-consumer-stop"));
    consumer.subscribe(List.of(host.messagesTopic()), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        host.revoked(new HashSet<>(revoked));
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        if (assigned.isEmpty()) {
          return;
        }
        host.assigned(new HashSet<>(assigned));
        if (consumer.assignment().size() == a.partitions()) {
          System.out.println(READY);
        }
      }
    });
    try {
      host.serve(consumer::poll, records -> {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
          List<ConsumerRecord<String, byte[]>> of = records.records(tp);
          offsets.put(tp, new OffsetAndMetadata(of.get(of.size() - 1).offset() + 1));
        }
        // After processing: a crash before this commit redelivers the batch (at-least-once).
        consumer.commitAsync(offsets, null);
      });
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
      host.close();
    }
  }
}

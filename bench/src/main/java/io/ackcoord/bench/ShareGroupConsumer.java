package io.ackcoord.bench;

import io.ackcoord.consumer.handler.ResultTopicHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The share-group peer's consumer, run as its own process like B and the baseline's consumer: {@code CONSUMERS}
 * share consumers (KIP-932) of one share group in explicit acknowledgement mode, each on a poll thread of its own,
 * running B's default handler, {@link ResultTopicHandler}, exactly as {@link BaselineConsumer} runs it (one
 * {@link HandlerHost}: the same event loop and result producer for all of them), and acknowledging each record
 * {@link AcknowledgeType#ACCEPT ACCEPT} once its result is durable. The acknowledgements go to the broker with the
 * next poll, as the baseline's offsets go with its asynchronous commit. Nothing is released or rejected: a failed
 * handler ends the process, as it ends the baseline's.
 *
 * <p>A share group may have more consumers than the topic has partitions: they all get records.
 *
 * <pre>java -cp … io.ackcoord.bench.ShareGroupConsumer BOOTSTRAP PREFIX GROUP PARTITIONS CONSUMERS</pre>
 *
 * <p>A command-line tool: it prints {@value #READY} on stdout once every consumer has subscribed.
 */
public final class ShareGroupConsumer {

  static final String READY = "share group consumer ready";

  private ShareGroupConsumer() {
  }

  /**
   * Runs the consumers until SIGTERM.
   *
   * @param args {@code BOOTSTRAP PREFIX GROUP PARTITIONS CONSUMERS}
   */
  public static void main(String[] args) throws Exception {
    HandlerHost.Args a = HandlerHost.Args.parse(args, "ShareGroupConsumer", "CONSUMERS");
    String bootstrap = a.bootstrap();
    int partitions = a.partitions();
    int count = Integer.parseInt(a.more().get(0));
    startAtEarliest(bootstrap, a.group());
    HandlerHost host = new HandlerHost(a, "share-group");
    // Any consumer may get records of any partition: the handler restores (and then keeps) the ids of all of them,
    // which is what the baseline's handler does once it owns all partitions.
    host.assigned(IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(host.messagesTopic(), p))
        .collect(Collectors.toSet()));
    List<KafkaShareConsumer<String, byte[]>> consumers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      KafkaShareConsumer<String, byte[]> consumer = new KafkaShareConsumer<>(Map.<String, Object>of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          ConsumerConfig.GROUP_ID_CONFIG, a.group(),
          ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit",
          ConsumerConfig.CLIENT_ID_CONFIG, "bench-share-consumer-" + i), new StringDeserializer(),
          new ByteArrayDeserializer());
      consumer.subscribe(Set.of(host.messagesTopic()));
      consumers.add(consumer);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> consumers.forEach(KafkaShareConsumer::wakeup),
        "share-consumer-stop"));
    CountDownLatch stopped = new CountDownLatch(count);
    for (int i = 0; i < count; i++) {
      KafkaShareConsumer<String, byte[]> consumer = consumers.get(i);
      Thread poller = new Thread(() -> {
        try {
          run(consumer, host);
        } finally {
          stopped.countDown();
        }
      }, "share-consumer-" + i);
      poller.start();
    }
    // The group starts at the earliest offset (above), so records sent before the broker assigns are not lost.
    System.out.println(READY);
    stopped.await();
    host.close();
  }

  private static void run(KafkaShareConsumer<String, byte[]> consumer, HandlerHost host) {
    try {
      host.serve(consumer::poll, records -> {
        // After processing, as the baseline commits: a consumer that dies before the next poll sends these has its
        // records redelivered to another once their acquisition locks expire (at-least-once).
        for (ConsumerRecord<String, byte[]> r : records) {
          consumer.acknowledge(r, AcknowledgeType.ACCEPT);
        }
      });
    } catch (RuntimeException e) {
      e.printStackTrace();
      System.exit(1);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /**
   * A share group starts at the end of its topics unless its {@code share.auto.offset.reset} says otherwise; set
   * before any consumer joins, so that the first messages sent are not skipped.
   */
  private static void startAtEarliest(String bootstrap, String group) throws Exception {
    try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group),
              List.of(new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"),
                  AlterConfigOp.OpType.SET))))
          .all().get(60, TimeUnit.SECONDS);
    }
  }
}

package io.ackcoord.producer;

import io.ackcoord.config.Config;
import io.ackcoord.config.ConfigLoader;
import io.ackcoord.kafka.TopicAdmin;
import io.ackcoord.producer.MessageTracker.ReplyOutcome;
import io.ackcoord.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verticle A: accepts messages, sends them to topic 1, waits for B's reply on topic 2, re-sends on timeout and
 * dead-letters after the last attempt.
 *
 * <p>A thin shell: it loads {@link ProducerOptions}, makes sure the topics exist, and wires Kafka, a Vert.x timer,
 * HTTP and the event bus to the {@link Coordinator}, which owns the protocol. Deploy one instance per process
 * (the tracker is per instance, and replies are read by producer id).
 *
 * <pre>bin/vertx run io.ackcoord.producer.ProducerVerticle -conf conf/producer-a.json</pre>
 */
public class ProducerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ProducerVerticle.class);

  private final Clock clock;
  private ConfigLoader loader;
  private ProducerOptions options;
  private Coordinator coordinator;
  private KafkaOutbound outbound;
  private ReplyListener replies;
  private MessageConsumer<Object> eventBus;
  private HttpServer server;
  private final LatencyStats latency = new LatencyStats();
  private int replyPartition;
  private ConsumerStatsListener consumerStats;
  private KafkaAdminClient admin;
  private StatusService statusService;
  private EventStream events;
  private AckMetrics metrics;

  /** The production verticle, on the system clock. */
  public ProducerVerticle() {
    this(Clock.SYSTEM);
  }

  /** A verticle on the given clock. */
  public ProducerVerticle(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    return Future.<Void>succeededFuture()
        .compose(v -> {
          loader = ConfigLoader.create(vertx, config(), ProducerOptions.definition());
          return loader.load();
        })
        .compose(config -> {
          options = ProducerOptions.from(config);
          return TopicAdmin.ensureTopics(vertx, options.kafka());
        })
        .compose(partitions -> {
          replyPartition = options.replyPartition(partitions.get(options.kafka().topics().acks()));
          return startPipeline();
        })
        .compose(v -> startStatus())
        .compose(v -> startApis())
        .onSuccess(v -> {
          loader.onChange(this::reload);
          LOG.info("Producer A '{}' started: topic 1 {}, replies from {}-{}, ack.timeout.ms={}, "
                  + "retry.max.attempts={}{}", options.producerId(), options.kafka().topics().messages(),
              options.kafka().topics().acks(), replyPartition, options.retry().ackTimeoutMillis(),
              options.retry().maxAttempts(),
              server == null ? "" : ", HTTP on " + options.http().host() + ":" + server.actualPort());
        })
        .recover(err -> closeAll().transform(ignored -> Future.failedFuture(err)));
  }

  @Override
  public Future<?> stop() {
    return closeAll();
  }

  /** The bound HTTP port (useful with {@code http.port} 0), or -1 when HTTP is off. */
  public int httpPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** The coordinator, for embedding and tests; only touch it on this verticle's context. */
  public Coordinator coordinator() {
    return coordinator;
  }

  /** What the status page shows; only call it on this verticle's context. */
  public StatusService statusService() {
    return statusService;
  }

  private Future<Void> startPipeline() {
    Map<String, String> producerDefaults = new HashMap<>();
    producerDefaults.put("acks", "all");
    producerDefaults.put("enable.idempotence", "true");
    producerDefaults.put("linger.ms", "5");
    producerDefaults.put("delivery.timeout.ms", "30000");
    producerDefaults.put("request.timeout.ms", "10000");
    producerDefaults.put("max.block.ms", "10000");
    producerDefaults.put("client.id", "ackcoord-a-" + options.producerId());
    KafkaWriteStream<String, byte[]> producer = KafkaWriteStream.create(vertx,
        new HashMap<>(options.kafka().producerConfig(producerDefaults)), new StringSerializer(),
        new ByteArraySerializer());
    outbound = new KafkaOutbound(producer, options.kafka().topics());

    MessageTracker tracker = new MessageTracker(clock, options.retry(),
        () -> ThreadLocalRandom.current().nextDouble(), options.historySize());
    Scheduler scheduler = new Scheduler() {
      @Override
      public long schedule(long delayMillis, Runnable task) {
        return vertx.setTimer(Math.max(1, delayMillis), id -> task.run());
      }

      @Override
      public void cancel(long timerId) {
        vertx.cancelTimer(timerId);
      }
    };
    coordinator = new Coordinator(tracker, outbound, scheduler, clock, options.producerId(), replyPartition,
        options.burstSize(), options.maxPending());
    coordinator.onReplyResult(r -> {
      if (r.outcome() == ReplyOutcome.ACKED) {
        latency.record(r.message().latencyMillis());
      }
    });

    Map<String, String> consumerDefaults = new HashMap<>();
    consumerDefaults.put("enable.auto.commit", "false");
    consumerDefaults.put("auto.offset.reset", "latest");
    consumerDefaults.put("isolation.level", "read_committed");
    consumerDefaults.put("client.id", "ackcoord-a-" + options.producerId() + "-replies");
    KafkaReadStream<String, byte[]> consumer = KafkaReadStream.create(vertx,
        new HashMap<>(options.kafka().consumerConfig(consumerDefaults)), new StringDeserializer(),
        new ByteArrayDeserializer());
    replies = new ReplyListener(consumer,
        new TopicPartition(options.kafka().topics().acks(), replyPartition), options.producerId(), coordinator,
        outbound);
    return replies.start();
  }

  // What the status page shows: rates, recent re-sends and dead letters, B's figures from the stats topic, metrics.
  private Future<Void> startStatus() {
    StatusPageOptions page = options.statusPage();
    MessageTracker tracker = coordinator.tracker();
    RateWindow rates = new RateWindow(clock, page.rateWindowSeconds());
    RecentEvents recent = new RecentEvents(clock, page.recentMax());
    ConsumerReports reports = new ConsumerReports(clock, page.consumerStaleMillis());
    metrics = new AckMetrics(tracker, options.producerId(), () -> {
      TrackedMessage oldest = tracker.oldestPending();
      return oldest == null ? 0 : clock.monotonicMillis() - oldest.acceptedAtMonotonic();
    });
    tracker.addListener(rates);
    tracker.addListener(recent);
    tracker.addListener(metrics);
    statusService = new StatusService(coordinator, () -> options, replyPartition, latency, rates, recent, reports,
        replies::invalidReplies, replies::foreignReplies, clock);
    events = new EventStream(vertx, page.pushIntervalMillis(), statusService::snapshot);
    statusService.pageClients(events::clients);

    Map<String, String> consumerDefaults = new HashMap<>();
    consumerDefaults.put("enable.auto.commit", "false");
    consumerDefaults.put("client.id", "ackcoord-a-" + options.producerId() + "-stats");
    KafkaReadStream<String, byte[]> consumer = KafkaReadStream.create(vertx,
        new HashMap<>(options.kafka().consumerConfig(consumerDefaults)), new StringDeserializer(),
        new ByteArrayDeserializer());
    consumerStats = new ConsumerStatsListener(consumer, options.kafka().topics().stats(), reports,
        page.consumerStaleMillis() * ConsumerReports.DROP_FACTOR, clock);

    Map<String, String> adminConfig = new HashMap<>(options.kafka().adminConfig());
    // The health check must answer quickly when the cluster does not.
    adminConfig.put("request.timeout.ms", "2000");
    adminConfig.put("default.api.timeout.ms", Long.toString(StatusPage.HEALTH_TIMEOUT_MS - 500));
    adminConfig.put("client.id", "ackcoord-a-" + options.producerId() + "-health");
    // Creating a Kafka client resolves the bootstrap addresses, which may block: on a worker.
    return vertx.executeBlocking(() -> org.apache.kafka.clients.admin.AdminClient.create(
            new HashMap<String, Object>(adminConfig)), false)
        .onSuccess(a -> admin = KafkaAdminClient.create(vertx, a))
        .compose(a -> consumerStats.start());
  }

  private Future<Void> startApis() {
    Future<Void> bus = new EventBusApi(coordinator).register(vertx, options.eventBusAddress())
        .onSuccess(c -> eventBus = c).mapEmpty();
    if (!options.http().enabled()) {
      return bus;
    }
    Router router = Router.router(vertx);
    new StatusPage(statusService, coordinator.tracker(), events, metrics, admin, replies::assigned, clock)
        .mount(vertx, router);
    new HttpApi(coordinator, options.maxMessageBytes()).mount(router);
    return bus.compose(v -> vertx.createHttpServer()
            .requestHandler(router)
            .listen(options.http().port(), options.http().host()))
        .onSuccess(s -> server = s)
        .mapEmpty();
  }

  /** Everything {@code GET /api/status} shows. */
  JsonObject status() {
    return statusService.status();
  }

  // Only the retry policy is live: it applies to timers armed after the change. Other keys need a restart, and the
  // log says which.
  private void reload(Config config) {
    ProducerOptions next = ProducerOptions.from(config);
    JsonObject before = options.config().toJson();
    JsonObject after = next.config().toJson();
    List<String> changed = new ArrayList<>();
    for (String key : after.fieldNames()) {
      if (!java.util.Objects.equals(before.getValue(key), after.getValue(key))) {
        changed.add(key);
      }
    }
    if (changed.isEmpty()) {
      return;
    }
    List<String> needRestart = changed.stream()
        .filter(k -> !k.startsWith("ack.timeout") && !k.startsWith("retry.") && !k.startsWith("ack.extension"))
        .toList();
    coordinator.tracker().policy(next.retry());
    options = new ProducerOptions(options.producerId(), options.replyPartition(), next.retry(),
        options.maxMessageBytes(), options.maxPending(), options.historySize(), options.eventBusAddress(),
        options.burstSize(), options.statusPage(), options.kafka(), options.http(), next.config());
    statusService.configReloaded(String.valueOf(loader.watchedFile()), changed, needRestart);
    LOG.info("Config reloaded from {}: changed {}; ack.timeout.ms={} retry.max.attempts={} applies to timers "
            + "armed from now on{}", loader.watchedFile(), changed, next.retry().ackTimeoutMillis(),
        next.retry().maxAttempts(), needRestart.isEmpty() ? "" : "; " + needRestart + " take effect on restart");
  }

  private Future<Void> closeAll() {
    List<Future<?>> closing = new ArrayList<>();
    if (coordinator != null) {
      coordinator.stop();
    }
    if (loader != null) {
      loader.close();
    }
    if (events != null) {
      events.close();
    }
    if (server != null) {
      closing.add(server.close());
    }
    if (consumerStats != null) {
      closing.add(consumerStats.stop());
    }
    if (admin != null) {
      closing.add(admin.close());
    }
    if (metrics != null) {
      metrics.close();
    }
    if (eventBus != null) {
      closing.add(eventBus.unregister());
    }
    if (replies != null) {
      closing.add(replies.stop());
    }
    if (outbound != null) {
      closing.add(outbound.close());
    }
    return Future.join(closing).mapEmpty();
  }
}

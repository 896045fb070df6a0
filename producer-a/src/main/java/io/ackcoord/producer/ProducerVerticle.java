package io.ackcoord.producer;

import io.ackcoord.config.Config;
import io.ackcoord.config.ConfigException;
import io.ackcoord.config.ConfigLoader;
import io.ackcoord.kafka.ClientConfig;
import io.ackcoord.kafka.KafkaClientFactory;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.kafka.TopicAdmin;
import io.ackcoord.producer.api.EventBusApi;
import io.ackcoord.producer.api.HttpApi;
import io.ackcoord.producer.coordinator.Coordinator;
import io.ackcoord.producer.coordinator.HeapGuard;
import io.ackcoord.producer.kafka.KafkaOutbound;
import io.ackcoord.producer.kafka.ReplyListener;
import io.ackcoord.producer.ledger.KafkaLedger;
import io.ackcoord.producer.ledger.Ledger;
import io.ackcoord.producer.status.AckMetrics;
import io.ackcoord.producer.status.ConsumerReports;
import io.ackcoord.producer.status.ConsumerStatsListener;
import io.ackcoord.producer.status.EventStream;
import io.ackcoord.producer.status.LatencyStats;
import io.ackcoord.producer.status.RateWindow;
import io.ackcoord.producer.status.RecentEvents;
import io.ackcoord.producer.status.StatusPage;
import io.ackcoord.producer.status.StatusService;
import io.ackcoord.producer.timer.Scheduler;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.producer.tracker.MessageTracker.ReplyOutcome;
import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.time.Clock;
import io.ackcoord.time.Deadline;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verticle A: accepts messages, sends them to topic 1, waits for B's reply on topic 2, re-sends on timeout and
 * dead-letters after the last attempt.
 *
 * <p>A thin shell: it loads {@link ProducerOptions}, and wires Kafka, a Vert.x timer, HTTP and the event bus to the
 * {@link Coordinator}, which owns the protocol. Start-up order: config (invalid config fails the deployment), then
 * HTTP and the event bus, then Kafka. If Kafka cannot be reached, A stays up, says so on {@code /health}, answers
 * 503 to submissions, and retries with backoff; once connected it resumes what its {@link Ledger} holds, mounts
 * the status page and the API behind the same router, and takes messages. Deploy one instance per process
 * (replies are read by producer id).
 *
 * <pre>bin/vertx run io.ackcoord.producer.ProducerVerticle -conf conf/producer-a.json</pre>
 */
public class ProducerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ProducerVerticle.class);
  private static final long FIRST_RETRY_MS = 1_000;
  private static final long MAX_RETRY_MS = 30_000;

  private final Clock clock;
  private final LatencyStats latency = new LatencyStats();
  private ConfigLoader loader;
  private ProducerOptions options;
  private volatile Coordinator coordinator;
  private KafkaOutbound outbound;
  private ReplyListener replies;
  private MessageConsumer<Object> eventBus;
  private HttpServer server;
  private int replyPartition = -1;
  private int ackPartitions;
  private String kafkaProblem = "connecting";
  private long retryTimer = -1;
  private boolean stopping;
  private Router router;
  private ConsumerStatsListener consumerStats;
  private KafkaAdminClient admin;
  private StatusService statusService;
  private EventStream events;
  private AckMetrics metrics;
  private HeapGuard heapGuard;

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
          return startApis();
        })
        .compose(v -> connect(FIRST_RETRY_MS, true))
        .onSuccess(v -> loader.onChange(this::reload))
        .recover(err -> closeAll().transform(ignored -> Future.failedFuture(err)));
  }

  @Override
  public Future<?> stop() {
    return closeAll().onComplete(ar -> {
      Coordinator c = coordinator;
      LOG.info("Producer A '{}' stopped{}", options == null ? "?" : options.producerId(),
          c == null ? "" : ": " + c.tracker().pendingCount() + " message(s) left pending in the ledger for the "
              + "next start");
    });
  }

  /** The bound HTTP port (useful with {@code http.port} 0), or -1 when HTTP is off. */
  public int httpPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** The coordinator once connected to Kafka, else {@code null}; only touch it on this verticle's context. */
  public Coordinator coordinator() {
    return coordinator;
  }

  /** What the status page shows, once connected (else {@code null}); only call it on this verticle's context. */
  public StatusService statusService() {
    return statusService;
  }

  // Connects to Kafka. The first attempt's failure does not fail the deployment (A keeps answering 503 and
  // retries), except a configuration error, which no retry can fix.
  private Future<Void> connect(long nextRetryMs, boolean first) {
    return TopicAdmin.ensureTopics(vertx, options.kafka())
        .compose(partitions -> {
          ackPartitions = partitions.get(options.kafka().topics().acks());
          replyPartition = options.replyPartition(ackPartitions);
          return startPipeline(partitions.get(options.kafka().topics().ledger()));
        })
        .compose(v -> startStatus())
        .onSuccess(v -> {
          mountRoutes();
          kafkaProblem = null;
          LOG.info("Producer A '{}' ready: topic 1 {}, {}, ack.timeout.ms={}, retry.max.attempts={}{}",
              options.producerId(), options.kafka().topics().messages(), options.describeReplyPartition(ackPartitions),
              options.retry().ackTimeoutMillis(), options.retry().maxAttempts(),
              server == null ? "" : ", HTTP on " + options.http().host() + ":" + server.actualPort());
        })
        .recover(err -> {
          if (err instanceof ConfigException || stopping) {
            return Future.failedFuture(err);
          }
          kafkaProblem = "Kafka at " + options.kafka().bootstrapServers() + " not usable: " + err.getMessage();
          LOG.warn("{}; answering 503 to submissions and retrying in {} ms", kafkaProblem, nextRetryMs);
          return closePipeline(shutdownDeadline()).transform(ignored -> {
            Promise<Void> retried = Promise.promise();
            retryTimer = vertx.setTimer(nextRetryMs, id -> {
              retryTimer = -1;
              connect(Math.min(nextRetryMs * 2, MAX_RETRY_MS), false).onComplete(retried);
            });
            // The deployment must not wait for Kafka: it is up, and says so on /health.
            return first ? Future.succeededFuture() : retried.future();
          });
        });
  }

  private Future<Void> startPipeline(int ledgerPartitions) {
    String name = "ackcoord-a-" + options.producerId();
    // One producer for topic 1, the ledger and dead letters: a 202 rests on its acks=all and idempotence.
    ClientConfig producerConfig = ClientConfig.producer(options.kafka(), name).durable()
        .defaults("linger.ms", "5")
        .defaults("delivery.timeout.ms", "30000")
        .defaults("request.timeout.ms", "10000")
        .defaults("max.block.ms", "10000");
    // The group only keeps the reply position across restarts; the partition is assigned, never subscribed.
    ClientConfig replyConfig = ClientConfig.consumer(options.kafka(), name + "-replies")
        .readCommitted().manualCommits()
        .require("group.id", name, "the reply position is committed under this A's own group")
        .defaults("auto.offset.reset", "latest");
    ClientConfig recoveryConfig = ClientConfig.consumer(options.kafka(), name + "-ledger-recovery")
        .readCommitted().manualCommits().noGroup();

    return KafkaClientFactory.sender(vertx, producerConfig.strings(), name)
        .compose(producer -> KafkaClientFactory.consumer(vertx, replyConfig.strings())
            .onFailure(err -> producer.close(0))
            .compose(consumer -> startPipeline(ledgerPartitions, producer, consumer, recoveryConfig)));
  }

  private Future<Void> startPipeline(int ledgerPartitions, KafkaSender producer,
      KafkaReadStream<String, byte[]> consumer, ClientConfig recoveryConfig) {
    outbound = new KafkaOutbound(producer, options.kafka().topics());
    MessageTracker tracker = new MessageTracker(clock, options.retry(),
        () -> ThreadLocalRandom.current().nextDouble(), options.historySize());
    Ledger ledger = new KafkaLedger(vertx, producer,
        new TopicPartition(options.kafka().topics().ledger(), replyPartition % ledgerPartitions),
        options.producerId(), recoveryConfig, Duration.ofSeconds(60), clock,
        id -> tracker.find(id).filter(m -> m.state().isPending())
            .map(m -> tracker.ledgerEntry(m, options.producerId())));
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
    Coordinator c = new Coordinator(tracker, outbound, ledger, scheduler, clock, options.producerId(),
        replyPartition, options.burstSize(), options.maxPending());
    if (heapGuard == null) {
      heapGuard = HeapGuard.forThisJvm(options.heapLimit());
    }
    c.admission(heapGuard);
    c.onReplyResult(r -> {
      if (r.outcome() == ReplyOutcome.ACKED) {
        latency.record(r.message().latencyMillis());
      }
    });
    replies = new ReplyListener(vertx, consumer,
        new TopicPartition(options.kafka().topics().acks(), replyPartition), options.producerId(), c, outbound);
    // Recover before reading replies, so a reply that arrived while A was down finds its message.
    return ledger.recover()
        .compose(c::start)
        .compose(v -> {
          coordinator = c;
          return replies.start();
        });
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
    ReplyListener r = replies;
    statusService = new StatusService(coordinator, () -> options, replyPartition, latency, rates, recent, reports,
        r::invalidReplies, r::foreignReplies, clock);
    events = new EventStream(vertx, page.pushIntervalMillis(), statusService::snapshot);
    statusService.pageClients(events::clients);
    statusService.foreignProducers(r::foreignProducers);
    metrics.foreignReplies(r::foreignReplies);

    String name = "ackcoord-a-" + options.producerId();
    // Reads every partition by assign: no group, nothing committed.
    ClientConfig statsConfig = ClientConfig.consumer(options.kafka(), name + "-stats").manualCommits().noGroup();
    String why = "the health check must answer quickly when the cluster does not";
    ClientConfig adminConfig = ClientConfig.admin(options.kafka(), name + "-health")
        .require("request.timeout.ms", "2000", why)
        .require("default.api.timeout.ms", Long.toString(StatusPage.HEALTH_TIMEOUT_MS - 500), why);
    return KafkaClientFactory.consumer(vertx, statsConfig.strings())
        .compose(consumer -> {
          consumerStats = new ConsumerStatsListener(consumer, options.kafka().topics().stats(), reports,
              page.consumerStaleMillis() * ConsumerReports.DROP_FACTOR, clock);
          return KafkaClientFactory.admin(vertx, adminConfig.strings());
        })
        .onSuccess(a -> admin = a)
        .compose(a -> consumerStats.start());
  }

  // Behind the gate, once connected: the status page, its API, and submissions.
  private void mountRoutes() {
    if (router == null) {
      return;
    }
    ReplyListener r = replies;
    new StatusPage(statusService, coordinator.tracker(), events, metrics, admin, r::assigned, clock)
        .mount(vertx, router);
    new HttpApi(coordinator, options.maxMessageBytes()).mount(router);
  }

  private Future<Void> startApis() {
    Future<Void> bus = new EventBusApi(this::coordinator).register(vertx, options.eventBusAddress())
        .onSuccess(c -> eventBus = c).mapEmpty();
    if (!options.http().enabled()) {
      return bus;
    }
    router = Router.router(vertx);
    router.route().handler(this::gate);
    return bus.compose(v -> vertx.createHttpServer()
            .requestHandler(router)
            .listen(options.http().port(), options.http().host()))
        .onSuccess(s -> {
          server = s;
          LOG.info("Producer A HTTP on http://{}:{}", options.http().host(), s.actualPort());
        })
        .mapEmpty();
  }

  // In front of every route. Until A is connected (and taking messages) it answers for the routes mounted later:
  // health DOWN with the reason, status "not connected", and 503 with Retry-After for everything else.
  private void gate(RoutingContext ctx) {
    if (statusService != null && kafkaProblem == null && !stopping) {
      ctx.next();
      return;
    }
    String path = ctx.request().path();
    JsonObject body;
    int code;
    if (path.equals("/health")) {
      body = health();
      code = 503;
    } else if (path.equals("/api/status")) {
      body = status();
      code = 200;
    } else {
      body = new JsonObject().put("error", stopping ? "stopping" : "not connected to Kafka yet: " + kafkaProblem);
      code = 503;
      ctx.response().putHeader("Retry-After", "1");
    }
    ctx.response().setStatusCode(code).putHeader("Content-Type", "application/json").end(body.encode());
  }

  /** {@code GET /health} while not connected; once connected, {@link StatusPage} answers with its checks. */
  JsonObject health() {
    Coordinator c = coordinator;
    boolean up = c != null && c.ready() && kafkaProblem == null;
    JsonObject json = new JsonObject().put("status", up ? "UP" : "DOWN");
    if (!up) {
      json.put("reason", stopping ? "stopping" : kafkaProblem);
    }
    return json;
  }

  /** {@code GET /api/status}: the status page's figures once connected, else what is wrong. */
  JsonObject status() {
    StatusService s = statusService;
    if (s != null) {
      return s.status();
    }
    return new JsonObject()
        .put("producerId", options.producerId())
        .put("connected", false)
        .put("problem", kafkaProblem)
        .put("config", options.config().toJson());
  }

  // Only the retry policy is live: it applies to timers armed after the change. Other keys need a restart; the log
  // and the status say which.
  private void reload(Config config) {
    ProducerOptions next = ProducerOptions.from(config);
    JsonObject before = options.config().toJson();
    JsonObject after = next.config().toJson();
    List<String> changed = new ArrayList<>();
    for (String key : after.fieldNames()) {
      if (!Objects.equals(before.getValue(key), after.getValue(key))) {
        changed.add(key);
      }
    }
    if (changed.isEmpty()) {
      return;
    }
    List<String> needRestart = changed.stream()
        .filter(k -> !k.startsWith("ack.timeout") && !k.startsWith("retry.") && !k.startsWith("ack.extension"))
        .toList();
    Coordinator c = coordinator;
    if (c != null) {
      c.tracker().policy(next.retry());
    }
    options = options.withRetry(next.retry(), next.config());
    if (statusService != null) {
      statusService.configReloaded(String.valueOf(loader.watchedFile()), changed, needRestart);
    }
    LOG.info("Config reloaded from {}: changed {}; ack.timeout.ms={} retry.max.attempts={} apply to timers armed "
            + "from now on{}", loader.watchedFile(), changed, next.retry().ackTimeoutMillis(),
        next.retry().maxAttempts(), needRestart.isEmpty() ? "" : "; " + needRestart + " take effect on restart");
  }

  // Replies first: a reply taken while the producer closes could not write its ledger tombstone. Then the
  // producer, whose close waits for its in-flight sends. Both by the deadline: with the broker gone they would
  // otherwise wait out Kafka's own timeouts (a commit 60 s, a send 2 min).
  private Future<Void> closePipeline(Deadline deadline) {
    ReplyListener r = replies;
    KafkaOutbound o = outbound;
    replies = null;
    outbound = null;
    Future<Void> repliesClosed = r == null ? Future.succeededFuture() : bounded(r.stop(), deadline);
    return repliesClosed.transform(ignored -> o == null ? Future.<Void>succeededFuture()
        : o.close(deadline.leftMillis()));
  }

  private Deadline shutdownDeadline() {
    return Deadline.in(clock, options == null ? 10_000 : options.shutdownTimeoutMillis());
  }

  // The operation goes on in the background past the deadline and dies with A.
  private Future<Void> bounded(Future<?> operation, Deadline deadline) {
    return deadline.await(context, operation,
        err -> LOG.debug("Not waiting any longer on stop: {}", err.toString()));
  }

  // Order matters on SIGTERM: stop taking messages, let durable writes finish, then close the doors.
  private Future<Void> closeAll() {
    stopping = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
    Coordinator c = coordinator;
    if (c != null) {
      c.stop();
    }
    if (loader != null) {
      loader.close();
    }
    if (events != null) {
      events.close();
    }
    Deadline deadline = shutdownDeadline();
    return closePipeline(deadline).transform(ignored -> {
      List<Future<?>> closing = new ArrayList<>();
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
      if (heapGuard != null) {
        heapGuard.close();
      }
      if (eventBus != null) {
        closing.add(eventBus.unregister());
      }
      return bounded(Future.join(closing), deadline);
    });
  }
}

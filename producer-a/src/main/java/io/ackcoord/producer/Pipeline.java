package io.ackcoord.producer;

import io.ackcoord.config.ConfigException;
import io.ackcoord.kafka.ClientConfig;
import io.ackcoord.kafka.KafkaClientFactory;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.kafka.TopicNames;
import io.ackcoord.kafka.TopicAdmin;
import io.ackcoord.producer.api.HttpApi;
import io.ackcoord.producer.api.OperatorApi;
import io.ackcoord.producer.api.Redriver;
import io.ackcoord.producer.api.TimeoutRule;
import io.ackcoord.producer.coordinator.Coordinator;
import io.ackcoord.producer.coordinator.HeapGuard;
import io.ackcoord.producer.kafka.DeadLetterReader;
import io.ackcoord.producer.kafka.KafkaOutbound;
import io.ackcoord.producer.kafka.PayloadReader;
import io.ackcoord.producer.kafka.PayloadRetention;
import io.ackcoord.producer.kafka.ReplyListener;
import io.ackcoord.producer.ledger.KafkaLedger;
import io.ackcoord.producer.ledger.Ledger;
import io.ackcoord.producer.ledger.WriteBarrier;
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
import io.ackcoord.producer.tracing.MessageTracing;
import io.ackcoord.producer.tracing.SpanTracing;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.producer.tracker.MessageTracker.ReplyOutcome;
import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.time.Clock;
import io.ackcoord.time.Deadline;
import io.ackcoord.tracing.Tracing;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of A that exist while it is connected to Kafka (A2 Send to A7 Restart): the producer and the reply
 * consumer, the ledger, the {@link Coordinator}, and what the status page shows. Built in one place by
 * {@link #open}, which closes what it opened if a later step fails; every part is a final field, so
 * {@link #close} needs no null checks. One class of some 300 lines so that the order things open in and the order
 * they close in can be read side by side.
 */
final class Pipeline {

  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
  /** A payload read not answered by then fails, and its re-send is tried again after a backoff. */
  private static final long PAYLOAD_READ_TIMEOUT_MS = 30_000;
  /** A bound on a hung recovery, not its expected time: it reads a checkpoint and what topic 1 got since. */
  private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(10);
  /** How long a redrive may read the dead-letter topic: a lookup fails then, a scan answers with a cursor. */
  private static final long DEAD_LETTER_READ_MS = 20_000;

  private final Context context;
  private final KafkaOutbound outbound;
  private final Coordinator coordinator;
  private final ReplyListener replies;
  private final Ledger ledger;
  private final KafkaAdminClient ledgerAdmin;
  private final StatusService statusService;
  private final EventStream events;
  private final AckMetrics metrics;
  private final ConsumerStatsListener consumerStats;
  private final KafkaAdminClient admin;
  private final DeadLetterReader deadLetters;
  private final int ackPartitions;
  private final long maxTimeoutMillis;

  private Pipeline(Context context, Core core, Status status, ConsumerStatsListener consumerStats,
      KafkaAdminClient admin, DeadLetterReader deadLetters, int ackPartitions, long maxTimeoutMillis) {
    this.context = context;
    this.outbound = core.outbound;
    this.coordinator = core.coordinator;
    this.replies = core.replies;
    this.ledger = core.ledger;
    this.ledgerAdmin = core.ledgerAdmin;
    this.statusService = status.service;
    this.events = status.events;
    this.metrics = status.metrics;
    this.consumerStats = consumerStats;
    this.admin = admin;
    this.deadLetters = deadLetters;
    this.ackPartitions = ackPartitions;
    this.maxTimeoutMillis = maxTimeoutMillis;
  }

  /** The Kafka-facing core, wired before anything is read: A2 to A7. */
  private record Core(KafkaOutbound outbound, Coordinator coordinator, ReplyListener replies, Ledger ledger,
      WriteBarrier barrier, KafkaAdminClient ledgerAdmin) {
  }

  /** The topics as found at connect: partition counts, and the longest caller timeout topic 1's retention allows. */
  private record Topics(Map<String, Integer> partitions, long maxTimeoutMillis) {
  }

  /** What the status page shows, fed by the tracker's listeners. */
  private record Status(StatusService service, EventStream events, AckMetrics metrics, ConsumerReports reports) {
  }

  /**
   * Connects A to Kafka: checks the topics, creates the clients, reads the ledger back (A7), starts the coordinator
   * and the reply listener, then the status page's figures and clients.
   *
   * @param options   the options now; {@link StatusService} reads them through the supplier, so a reload shows
   * @param heapGuard the admission check on memory, kept by the runtime across reconnects
   * @param latency   ACK latencies, kept by the runtime across reconnects
   * @param tracing   what messages are traced with
   */
  static Future<Pipeline> open(Vertx vertx, Clock clock, Supplier<ProducerOptions> options, HeapGuard heapGuard,
      LatencyStats latency, Tracing tracing) {
    ProducerOptions o = options.get();
    Context context = vertx.getOrCreateContext();
    Opened opened = new Opened(context);
    return TopicAdmin.ensureTopics(vertx, o.kafka())
        .compose(partitions -> payloadRetention(vertx, o).map(retention -> new Topics(partitions,
            retention.maxTimeoutMillis(o.retry(), TimeoutRule.MAX_MILLIS))))
        .compose(topics -> {
          Map<String, Integer> partitions = topics.partitions();
          int ackPartitions = partitions.get(o.kafka().topics().acks());
          int replyPartition = o.replyPartition(ackPartitions);
          return openCore(vertx, clock, o, heapGuard, latency, replyPartition, partitions, opened, tracing)
              .compose(core -> {
                Status status = status(vertx, clock, options, core, replyPartition, latency);
                opened.add(d -> {
                  status.events().close();
                  status.metrics().close();
                  return Future.succeededFuture();
                });
                DeadLetterReader deadLetters = deadLetterReader(vertx, o);
                opened.add(d -> deadLetters.close());
                return openStatusClients(vertx, clock, o, status.reports(), opened)
                    .map(clients -> new Pipeline(context, core, status, clients.stats(), clients.admin(),
                        deadLetters, ackPartitions, topics.maxTimeoutMillis()));
              });
        })
        .recover(err -> opened.close(Deadline.in(clock, o.shutdownTimeoutMillis()))
            .transform(ignored -> Future.failedFuture(err)));
  }

  // Re-sends read payloads back from topic 1: it must keep a record until its message's next re-send (decision 014).
  private static Future<PayloadRetention> payloadRetention(Vertx vertx, ProducerOptions o) {
    String topic = o.kafka().topics().messages();
    return TopicAdmin.topicConfig(vertx, o.kafka(), topic).map(config -> {
      PayloadRetention retention = PayloadRetention.of(config);
      String refusal = retention.refusal(topic, o.retry());
      if (refusal != null) {
        throw new ConfigException("ack.timeout.ms", refusal);
      }
      String warning = retention.warning(topic);
      if (warning != null) {
        LOG.warn(warning);
      }
      return retention;
    });
  }

  private static Future<Core> openCore(Vertx vertx, Clock clock, ProducerOptions o, HeapGuard heapGuard,
      LatencyStats latency, int replyPartition, Map<String, Integer> partitions, Opened opened, Tracing tracing) {
    String name = "ackcoord-a-" + o.producerId();
    // One producer for topic 1, the ledger and dead letters: a 202 rests on its acks=all and idempotence.
    ClientConfig producerConfig = ClientConfig.producer(o.kafka(), name).durable()
        .defaults("linger.ms", "5")
        .defaults("delivery.timeout.ms", "30000")
        .defaults("request.timeout.ms", "10000")
        .defaults("max.block.ms", "10000");
    // The group only keeps the reply position across restarts; the partition is assigned, never subscribed.
    ClientConfig replyConfig = ClientConfig.consumer(o.kafka(), name + "-replies")
        .readCommitted().manualCommits()
        .require("group.id", name, "the reply position is committed under this A's own group")
        .defaults("auto.offset.reset", "latest");
    ClientConfig recoveryConfig = ClientConfig.consumer(o.kafka(), name + "-ledger-recovery")
        .readCommitted().manualCommits().noGroup();
    // Reads the end offsets of topic 1 and the dead-letter topic for each checkpoint.
    ClientConfig ledgerAdminConfig = ClientConfig.admin(o.kafka(), name + "-ledger");
    // Re-sends read payloads back by offset: an offset that is gone must fail, not jump to an end of the partition.
    ClientConfig payloadConfig = ClientConfig.consumer(o.kafka(), name + "-payloads").manualCommits().noGroup()
        .require("auto.offset.reset", "none", "a payload deleted from topic 1 must be reported, not skipped");

    return KafkaClientFactory.sender(vertx, producerConfig, name)
        .compose(producer -> {
          PayloadReader payloads = new PayloadReader(
              () -> KafkaClientFactory.newConsumer(payloadConfig, new ByteArrayDeserializer()),
              o.kafka().topics().messages(), vertx.getOrCreateContext(), PAYLOAD_READ_TIMEOUT_MS, o.producerId());
          KafkaOutbound outbound = new KafkaOutbound(producer, payloads, o.kafka().topics());
          // The producer's close waits for its in-flight sends, by the deadline.
          opened.add(d -> outbound.close(d.leftMillis()));
          return KafkaClientFactory.admin(vertx, ledgerAdminConfig).compose(admin -> {
            opened.add(d -> admin.close());
            return KafkaClientFactory.consumer(vertx, replyConfig).map(consumer -> {
              Core core = wire(vertx, clock, o, heapGuard, latency, replyPartition, partitions, producer, admin,
                  consumer, outbound, recoveryConfig, tracing);
              opened.add(d -> {
                core.coordinator().stop();
                core.ledger().stop();
                return opened.bounded(core.replies().stop(), d);
              });
              return core;
            });
          });
        })
        .compose(Pipeline::recover);
  }

  /**
   * A7: recover before reading replies, so a reply that arrived while A was down finds its message; take
   * submissions only once the first checkpoint is durable, since it holds the receipt key they are accepted under.
   */
  private static Future<Core> recover(Core core) {
    Coordinator coordinator = core.coordinator();
    MessageTracker tracker = coordinator.tracker();
    return core.ledger().recover((attempt, base) -> tracker.policy().timeoutFor(attempt, base, 0.5))
        .compose(found -> {
          tracker.receipts(found.receipts());
          return coordinator.start(found.entries())
              .compose(v -> core.replies().start(found.replyOffset()));
        })
        .compose(v -> core.ledger().start(coordinator.checkpointSource(core.replies()::position), core.barrier()))
        .map(v -> {
          coordinator.open();
          return core;
        });
  }

  private static Core wire(Vertx vertx, Clock clock, ProducerOptions o, HeapGuard heapGuard, LatencyStats latency,
      int replyPartition, Map<String, Integer> partitions, KafkaSender producer, KafkaAdminClient admin,
      KafkaReadStream<String, byte[]> consumer, KafkaOutbound outbound, ClientConfig recoveryConfig,
      Tracing tracing) {
    MessageTracker tracker = new MessageTracker(clock, o.retry(),
        () -> ThreadLocalRandom.current().nextDouble(), o.historySize());
    TopicNames topics = o.kafka().topics();
    Ledger ledger = new KafkaLedger(vertx, producer, admin,
        new TopicPartition(topics.ledger(), replyPartition % partitions.get(topics.ledger())), o.producerId(),
        topics.messages(), partitions.get(topics.messages()), topics.deadLetters(),
        partitions.get(topics.deadLetters()), recoveryConfig, RECOVERY_TIMEOUT, clock,
        o.checkpointIntervalMillis());
    WriteBarrier barrier = new WriteBarrier();
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
    Coordinator coordinator = new Coordinator(tracker, outbound, barrier, scheduler, clock, o.producerId(),
        replyPartition, o.burstSize(), o.maxPending(),
        tracing.enabled() ? new SpanTracing(tracing, topics, o.producerId()) : MessageTracing.NONE);
    coordinator.admission(heapGuard);
    coordinator.onReplyResult(r -> {
      if (r.outcome() == ReplyOutcome.ACKED) {
        latency.record(r.message().latencyMillis());
      }
    });
    ReplyListener replies = new ReplyListener(vertx, consumer,
        new TopicPartition(o.kafka().topics().acks(), replyPartition), o.producerId(), coordinator, outbound);
    return new Core(outbound, coordinator, replies, ledger, barrier, admin);
  }

  // What the status page shows: rates, recent re-sends and dead letters, B's figures from the stats topic, metrics.
  private static Status status(Vertx vertx, Clock clock, Supplier<ProducerOptions> options, Core core,
      int replyPartition, LatencyStats latency) {
    StatusPageOptions page = options.get().statusPage();
    MessageTracker tracker = core.coordinator().tracker();
    RateWindow rates = new RateWindow(clock, page.rateWindowSeconds());
    RecentEvents recent = new RecentEvents(clock, page.recentMax());
    ConsumerReports reports = new ConsumerReports(clock, page.consumerStaleMillis());
    AckMetrics metrics = new AckMetrics(tracker, options.get().producerId(), () -> {
      TrackedMessage oldest = tracker.oldestPending();
      return oldest == null ? 0 : clock.monotonicMillis() - oldest.acceptedAtMonotonic();
    });
    tracker.addListener(rates);
    tracker.addListener(recent);
    tracker.addListener(metrics);
    ReplyListener r = core.replies();
    StatusService service = new StatusService(core.coordinator(), options, replyPartition, latency, rates, recent,
        reports, r::invalidReplies, r::foreignReplies, clock);
    EventStream events = new EventStream(vertx, page.pushIntervalMillis(), service::snapshot);
    service.pageClients(events::clients);
    service.foreignProducers(r::foreignProducers);
    metrics.foreignReplies(r::foreignReplies);
    return new Status(service, events, metrics, reports);
  }

  private record StatusClients(ConsumerStatsListener stats, KafkaAdminClient admin) {
  }

  // Redrives find dead letters in their topic; its consumer is made on first use, on the reader's own thread.
  private static DeadLetterReader deadLetterReader(Vertx vertx, ProducerOptions o) {
    ClientConfig config = ClientConfig.consumer(o.kafka(), "ackcoord-a-" + o.producerId() + "-dead-letters")
        .manualCommits().noGroup()
        .require("auto.offset.reset", "earliest", "a redrive seeks by offset; one deleted meanwhile starts at the "
            + "partition's start");
    return new DeadLetterReader(() -> KafkaClientFactory.newConsumer(config, new ByteArrayDeserializer()),
        o.kafka().topics().deadLetters(), vertx.getOrCreateContext(), DEAD_LETTER_READ_MS, o.producerId());
  }

  private static Future<StatusClients> openStatusClients(Vertx vertx, Clock clock, ProducerOptions o,
      ConsumerReports reports, Opened opened) {
    String name = "ackcoord-a-" + o.producerId();
    // Reads every partition by assign: no group, nothing committed.
    ClientConfig statsConfig = ClientConfig.consumer(o.kafka(), name + "-stats").manualCommits().noGroup();
    String why = "the health check must answer quickly when the cluster does not";
    ClientConfig adminConfig = ClientConfig.admin(o.kafka(), name + "-health")
        .require("request.timeout.ms", "2000", why)
        .require("default.api.timeout.ms", Long.toString(StatusPage.HEALTH_TIMEOUT_MS - 500), why);
    StatusPageOptions page = o.statusPage();
    return KafkaClientFactory.consumer(vertx, statsConfig)
        .compose(consumer -> {
          ConsumerStatsListener stats = new ConsumerStatsListener(consumer, o.kafka().topics().stats(), reports,
              page.consumerStaleMillis() * ConsumerReports.DROP_FACTOR, clock);
          opened.add(d -> stats.stop());
          return KafkaClientFactory.admin(vertx, adminConfig)
              .compose(admin -> {
                opened.add(d -> admin.close());
                return stats.start().map(new StatusClients(stats, admin));
              });
        });
  }

  /** The coordinator: only touch it on A's context. */
  Coordinator coordinator() {
    return coordinator;
  }

  StatusService statusService() {
    return statusService;
  }

  int ackPartitions() {
    return ackPartitions;
  }

  /** {@code rule} with its ceiling lowered to what topic 1's retention allows. */
  TimeoutRule timeoutRule(TimeoutRule rule) {
    return rule.capped(maxTimeoutMillis);
  }

  /** Whether A's reply partition is assigned to its consumer. */
  Future<Boolean> repliesAssigned() {
    return replies.assigned();
  }

  /** Mounts the status page, its API, submissions, cancel and redrive behind the runtime's gate. */
  void mount(Vertx vertx, Clock clock, int maxMessageBytes, TimeoutRule timeouts, Router router) {
    // Submissions first: a router tries its routes in order, and these take nearly every request.
    new HttpApi(coordinator, maxMessageBytes, timeouts).mount(router);
    new StatusPage(statusService, coordinator.tracker(), events, metrics, admin, replies::assigned, clock)
        .mount(vertx, router);
    Redriver redriver = new Redriver(coordinator, deadLetters, coordinator.scheduler(), clock, maxMessageBytes,
        () -> timeouts);
    new OperatorApi(coordinator, redriver).mount(vertx, router);
  }

  /**
   * Closes every part within {@code deadline}. Not plain reverse order: first A stops taking messages and pushing
   * the page, then the durable writes finish (replies before the producer, see {@link #openCore}), and only then
   * the status page's clients, which nothing depends on.
   */
  Future<Void> close(Deadline deadline) {
    coordinator.stop();
    ledger.stop();
    events.close();
    return bounded(context, replies.stop(), deadline)
        .transform(ignored -> outbound.close(deadline.leftMillis()))
        .transform(ignored -> {
          metrics.close();
          return bounded(context, Future.join(consumerStats.stop(), admin.close(), ledgerAdmin.close(),
              deadLetters.close()), deadline);
        });
  }

  // The operation goes on in the background past the deadline and dies with A.
  static Future<Void> bounded(Context context, Future<?> operation, Deadline deadline) {
    return deadline.await(context, operation,
        err -> LOG.debug("Not waiting any longer on stop: {}", err.toString()));
  }

  /** What {@link #open} has opened so far, closed in reverse order if a later step fails. */
  private static final class Opened {
    private final Context context;
    private final Deque<Function<Deadline, Future<?>>> closers = new ArrayDeque<>();

    Opened(Context context) {
      this.context = context;
    }

    void add(Function<Deadline, Future<?>> closer) {
      closers.push(closer);
    }

    Future<Void> bounded(Future<?> operation, Deadline deadline) {
      return Pipeline.bounded(context, operation, deadline);
    }

    Future<Void> close(Deadline deadline) {
      Function<Deadline, Future<?>> next = closers.poll();
      if (next == null) {
        return Future.succeededFuture();
      }
      Future<?> closed;
      try {
        closed = next.apply(deadline);
      } catch (RuntimeException e) {
        closed = Future.failedFuture(e);
      }
      return bounded(closed, deadline).transform(ignored -> close(deadline));
    }
  }
}

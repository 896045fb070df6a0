package io.ackcoord.consumer.runtime;

import io.ackcoord.config.ConfigException;
import io.ackcoord.consumer.ConsumerCounters;
import io.ackcoord.consumer.ConsumerOptions;
import io.ackcoord.consumer.DedupeStore;
import io.ackcoord.consumer.HandlerSetup;
import io.ackcoord.consumer.MessageHandler;
import io.ackcoord.consumer.kafka.Backoff;
import io.ackcoord.consumer.kafka.KafkaClients;
import io.ackcoord.consumer.loop.InFlightLimit;
import io.ackcoord.consumer.loop.Lease;
import io.ackcoord.consumer.loop.PartitionEpochs;
import io.ackcoord.consumer.offsets.OffsetTracker;
import io.ackcoord.consumer.replies.ReplySender;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.consumer.status.StatsPublisher;
import io.ackcoord.consumer.status.StatusRoutes;
import io.ackcoord.consumer.transactions.TransactionalProducer;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.kafka.KafkaSettings;
import io.ackcoord.kafka.TopicAdmin;
import io.ackcoord.kafka.TopicNames;
import io.ackcoord.time.Clock;
import io.ackcoord.time.Deadline;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running consumer B: every part it opened, built in one place ({@link #start}) and held in final fields, and
 * closed in reverse order within a {@link Deadline} ({@link #close}). The verticle only parses its options and
 * starts one.
 *
 * <p>Start-up steps, in order (a failed step closes what the earlier ones opened and fails with the step named):
 * create the topics and find the lease, the reply producer, the transactional producer (exactly-once), the
 * handler's {@code init}, the group consumer and the {@link Processing} parts (subscribed), the HTTP server, the
 * stats publisher.
 */
public final class ConsumerRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerRuntime.class);

  /**
   * After shutdown.timeout.ms, how long the rest of a stop (the last commit, closing the clients) may take, broker
   * or not: without a bound, a broker that is gone holds B for Kafka's own timeouts (a commit 60 s, a send 2 min).
   */
  public static final long CLOSE_BUDGET_MS = 10_000;
  /** Bound on closing the consumer (the last revocation commits inside it). */
  private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(CLOSE_BUDGET_MS);

  private final ConsumerOptions options;
  private final Clock clock;
  private final ConsumerStats stats;
  private final PartitionEpochs epochs;
  private final RunState state;
  private final Processing processing;
  private final HttpServer server;
  private final Closers opened;

  private ConsumerRuntime(Starting s) {
    this.options = s.options;
    this.clock = s.clock;
    this.stats = s.stats;
    this.epochs = s.epochs;
    this.state = s.state;
    this.processing = s.processing;
    this.server = s.server;
    this.opened = s.opened;
  }

  /**
   * Starts B on the caller's context (B's event loop) with parsed options and a loaded handler.
   *
   * @param dedupeFactory how the dedupe record is made
   * @param onFenced      called once if another B runs under this B's {@code consumer.instance.id}: this B stands
   *                      down (the verticle undeploys itself)
   * @return the running B; fails with the step that failed named, after closing what was opened
   */
  public static Future<ConsumerRuntime> start(Vertx vertx, ConsumerOptions options, MessageHandler handler,
      Clock clock, BiFunction<Vertx, ConsumerOptions, DedupeStore> dedupeFactory, Runnable onFenced) {
    Starting s = new Starting(vertx, options, handler, clock, dedupeFactory, onFenced);
    TopicNames topics = options.kafka().topics();
    return step("create topics", s::ensureTopics)
        .compose(v -> step("create the reply producer", s::createProducer))
        .compose(v -> step("initialise transactions", s::createTransactionalProducer))
        .compose(v -> step("initialise the handler", s::startHandler))
        .compose(v -> step("subscribe to " + topics.messages(), s::subscribe))
        .compose(v -> step("start the HTTP server", s::startHttp))
        .compose(v -> step("publish stats", s::publishStats))
        .map(v -> new ConsumerRuntime(s))
        .onSuccess(r -> LOG.info("Consumer B {} started: group {}, topic {}, {}, handler {}, status on {}",
            options.instanceId(), options.groupId(), topics.messages(), options.guarantee(), handler,
            s.server == null ? "(off)" : options.http().host() + ":" + s.server.actualPort()))
        .recover(err -> {
          s.state.stop();
          return s.opened.closeAll(Deadline.in(clock, CLOSE_BUDGET_MS))
              .transform(ignored -> Future.failedFuture(err));
        });
  }

  /**
   * Stops fetching, waits up to {@code shutdown.timeout.ms} for records in flight, makes what is complete durable,
   * then {@linkplain #close closes} everything; all after the wait within {@link #CLOSE_BUDGET_MS}, so a stop ends
   * in bounded time even with the broker gone.
   */
  public Future<Void> stop() {
    state.stop();
    return processing.quiesce().compose(v -> {
      Deadline deadline = Deadline.in(clock, CLOSE_BUDGET_MS);
      return opened.bounded("last commit", processing.flush(), deadline).eventually(() -> close(deadline));
    });
  }

  /**
   * Closes what start-up opened, in reverse order: the stats publisher, the HTTP server, the consumer (its last
   * revocation still commits) and the guarantee, the handler, the transactional producer, the reply producer. Each
   * step runs even if an earlier one failed, all by {@code deadline}; never fails.
   */
  public Future<Void> close(Deadline deadline) {
    state.stop();
    return opened.closeAll(deadline)
        .onComplete(v -> LOG.info("Consumer B {} stopped: {}", options.instanceId(), stats.toJson().encode()));
  }

  /** B's counters; safe to read from any thread. */
  public ConsumerCounters stats() {
    return stats;
  }

  /** The HTTP port actually bound (useful with {@code http.port: 0}), or -1 when the server is off. */
  public int actualHttpPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** The options B runs with. */
  public ConsumerOptions options() {
    return options;
  }

  /** The topic-1 partitions this B owns now; safe to read from any thread. */
  public Set<TopicPartition> assignedPartitions() {
    return epochs.owned();
  }

  /**
   * Runs one start-up step; its failure fails the start with the step named. A {@link ConfigException} passes
   * unchanged: its message already names the key and the value.
   */
  private static Future<Void> step(String name, Supplier<Future<Void>> action) {
    return Future.<Void>succeededFuture().compose(v -> action.get()).recover(err -> {
      if (err instanceof ConfigException) {
        return Future.failedFuture(err);
      }
      return Future.failedFuture(new IllegalStateException("consumer B could not " + name + ": " + err, err));
    });
  }

  /**
   * What start-up has made so far: each step sets its part and adds it to {@link #opened}, and the runtime copies
   * them into its final fields once every step succeeded. Lives only while B starts.
   */
  private static final class Starting {
    final Vertx vertx;
    final Context context;
    final ConsumerOptions options;
    final MessageHandler handler;
    final Clock clock;
    final BiFunction<Vertx, ConsumerOptions, DedupeStore> dedupeFactory;
    final Runnable onFenced;
    final ConsumerStats stats = new ConsumerStats();
    final PartitionEpochs epochs = new PartitionEpochs();
    final OffsetTracker offsets = new OffsetTracker();
    final RunState state = new RunState();
    final InFlightLimit limit;
    final Closers opened;
    Map<String, Integer> topicPartitions;
    Lease lease;
    KafkaSender producer;
    ReplySender replies;
    TransactionalProducer transactions;
    Processing processing;
    HttpServer server;

    Starting(Vertx vertx, ConsumerOptions options, MessageHandler handler, Clock clock,
        BiFunction<Vertx, ConsumerOptions, DedupeStore> dedupeFactory, Runnable onFenced) {
      this.vertx = vertx;
      this.context = vertx.getOrCreateContext();
      this.options = options;
      this.handler = handler;
      this.clock = clock;
      this.dedupeFactory = dedupeFactory;
      this.onFenced = onFenced;
      this.limit = new InFlightLimit(options.maxInFlight());
      this.opened = new Closers(context);
    }

    Future<Void> ensureTopics() {
      KafkaSettings kafka = options.kafka();
      TopicNames topics = kafka.topics();
      return TopicAdmin.ensureTopics(vertx, kafka).compose(counts -> {
        topicPartitions = Map.copyOf(counts);
        Integer messages = counts.get(topics.messages());
        Integer processed = counts.get(topics.processed());
        if (!Objects.equals(messages, processed)) {
          return Future.failedFuture(new IllegalStateException("topic " + topics.processed() + " has " + processed
              + " partitions but " + topics.messages() + " has " + messages + ": B keeps the processed marker of a "
              + "message of partition p in partition p, so they must have the same count; recreate "
              + topics.processed() + " with " + messages + " partitions"));
        }
        long session = KafkaClients.sessionTimeoutMillis(kafka);
        if (options.exactlyOnce()) {
          // Transactions fence a zombie's effects; the lease only keeps it from starting work.
          lease = new Lease(clock, Math.max(1, session / 2));
          return Future.succeededFuture();
        }
        return TopicAdmin.maxTimestampAge(vertx, kafka, topics.results()).map(fence -> {
          lease = new Lease(clock, Lease.durationFor(session, fence));
          if (Lease.fences(session, fence)) {
            LOG.info("Effects are fenced: {} refuses a write arriving over {} ms after B's ownership check; lease "
                + "{} ms", topics.results(), fence, lease.durationMillis());
          } else {
            LOG.warn("{} has {} = {}, not under session.timeout.ms {}: a B paused between its ownership check and "
                + "a write can still land that write after another B took the partition (a duplicate effect). Set "
                + "it to {} (kafka-configs.sh --alter --add-config {}={})", topics.results(),
                TopicAdmin.MAX_TIMESTAMP_AGE, fence == Long.MAX_VALUE ? "unset" : fence, session,
                TopicAdmin.EFFECT_FENCE_MS, TopicAdmin.MAX_TIMESTAMP_AGE, TopicAdmin.EFFECT_FENCE_MS);
          }
          return null;
        });
      });
    }

    Future<Void> createProducer() {
      return KafkaClients.idempotentProducer(vertx, options.kafka(), "ackcoord-b-replies-" + options.instanceId())
          .map(p -> {
            producer = p;
            // A producer closes without waiting for sends the broker never confirmed once the deadline is near.
            opened.add(step -> step.close("reply producer", () -> p.close(step.deadline().leftMillis())));
            replies = new ReplySender(vertx, p, options.kafka().topics(), options.instanceId(), clock, stats,
                Backoff.DEFAULT);
            return null;
          });
    }

    Future<Void> createTransactionalProducer() {
      if (!options.exactlyOnce()) {
        return Future.succeededFuture();
      }
      // Stable per B: a B restarted under the same consumer.instance.id fences its predecessor and aborts what the
      // predecessor left open. Different Bs are told apart by group generation (KIP-447), not by this id.
      String transactionalId = "ackcoord-b-" + options.groupId() + "-" + options.instanceId();
      String clientId = "ackcoord-b-txn-" + options.instanceId();
      return TransactionalProducer.start(vertx, clientId,
              TransactionalProducer.factory(options.kafka(), clientId, transactionalId), clock)
          .map(p -> {
            transactions = p;
            opened.add("transactional producer", p::close);
            return null;
          });
    }

    Future<Void> startHandler() {
      // Closed even if its init fails: init may have opened something before failing.
      opened.add("handler", handler::close);
      HandlerSetup setup = new HandlerSetup(vertx, options.handlerConfig(), options.kafka(), options.instanceId(),
          options, clock, topicPartitions);
      Future<Void> init;
      try {
        init = handler.init(setup);
      } catch (RuntimeException e) {
        init = Future.failedFuture(e);
      }
      return Objects.requireNonNullElseGet(init, Future::<Void>succeededFuture);
    }

    Future<Void> subscribe() {
      int maxPollRecords = Math.min(500, options.maxInFlight());
      String id = options.instanceId();
      return KafkaClients.groupConsumer(vertx, options.kafka(), options.groupId(), "ackcoord-b-" + id,
              maxPollRecords, options.staticMembership() ? id : null)
          .compose(consumer -> {
            processing = processing(consumer);
            opened.add(processing::close);
            return processing.start();
          })
          .onSuccess(v -> state.subscribed(true));
    }

    private Processing processing(KafkaConsumer<String, byte[]> consumer) {
      return new Processing(vertx, context, options, handler, clock, stats, epochs, offsets, state, limit, lease,
          topicPartitions, consumer, producer, replies, transactions, dedupeFactory.apply(vertx, options),
          CLOSE_TIMEOUT, this::standDown);
    }

    Future<Void> startHttp() {
      if (!options.http().enabled()) {
        return Future.succeededFuture();
      }
      // Healthy once B is subscribed and owns partitions: a B without partitions processes nothing.
      var router = StatusRoutes.create(vertx,
          () -> state.subscribed() && !epochs.owned().isEmpty() && state.accepting(), this::status);
      return vertx.createHttpServer().requestHandler(router)
          .listen(options.http().port(), options.http().host())
          .map(s -> {
            server = s;
            opened.add("HTTP server", s::close);
            return null;
          });
    }

    // B's figures for A's status page, on the stats topic (see StatsPublisher).
    Future<Void> publishStats() {
      return StatsPublisher.start(vertx, options.kafka(), options.instanceId(), this::status, clock)
          .map(p -> {
            opened.add("stats publisher", p::close);
            return null;
          });
    }

    private JsonObject status() {
      JsonArray partitions = new JsonArray();
      epochs.owned().stream().map(TopicPartition::toString).sorted().forEach(partitions::add);
      return stats.toJson()
          .put("consumerId", options.instanceId())
          .put("groupId", options.groupId())
          .put("guarantee", options.guarantee().configValue())
          .put("subscribed", state.subscribed())
          .put("fenced", state.fenced())
          .put("assignedPartitions", partitions)
          .put("leaseRemainingMs", lease == null ? 0 : Math.max(0, lease.remainingMillis()))
          .put("paused", limit.paused())
          .put("handler", String.valueOf(handler));
    }

    /** Another B runs under this B's name: this one stops for good rather than fight over the partitions. */
    private void standDown(Throwable cause) {
      if (!state.fence()) {
        return;
      }
      LOG.error("Consumer B {} is fenced ({}): another B runs with consumer.instance.id {}; undeploying this one",
          options.instanceId(), cause.toString(), options.instanceId());
      onFenced.run();
    }
  }
}

package io.ackcoord.consumer;

import io.ackcoord.config.ConfigException;
import io.ackcoord.config.ConfigLoader;
import io.ackcoord.consumer.dedupe.ProcessedTopicStore;
import io.ackcoord.consumer.guarantee.AtLeastOnce;
import io.ackcoord.consumer.guarantee.ExactlyOnce;
import io.ackcoord.consumer.guarantee.Guarantee;
import io.ackcoord.consumer.kafka.Backoff;
import io.ackcoord.consumer.kafka.KafkaClients;
import io.ackcoord.consumer.loop.ConsumerLoop;
import io.ackcoord.consumer.loop.InFlightLimit;
import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.consumer.loop.Lease;
import io.ackcoord.consumer.loop.LeaseGuard;
import io.ackcoord.consumer.loop.PartitionEpochs;
import io.ackcoord.consumer.loop.PartitionGate;
import io.ackcoord.consumer.offsets.OffsetCommitter;
import io.ackcoord.consumer.offsets.OffsetTracker;
import io.ackcoord.consumer.pipeline.BlockingHandlerAdapter;
import io.ackcoord.consumer.pipeline.HandlerLoader;
import io.ackcoord.consumer.pipeline.MessagePipeline;
import io.ackcoord.consumer.replies.ReplySender;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.consumer.status.StatsPublisher;
import io.ackcoord.consumer.status.StatusRoutes;
import io.ackcoord.consumer.transactions.TransactionBatcher;
import io.ackcoord.consumer.transactions.TransactionRecords;
import io.ackcoord.consumer.transactions.TransactionalProducer;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.kafka.KafkaSettings;
import io.ackcoord.kafka.TopicAdmin;
import io.ackcoord.kafka.TopicNames;
import io.ackcoord.time.Clock;
import io.ackcoord.time.Deadline;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer B: reads topic 1, processes each message with a pluggable {@link MessageHandler}, replies on topic 2 and
 * commits a record's offset only after its outcome is durable, so a crash at any point leaves the record to be read
 * again rather than lost, and a record read again is not processed again.
 *
 * <p>Per record (the numbers are those of docs/ARCHITECTURE.md and of the comments in the classes named):
 * <ol>
 *   <li>{@link ConsumerLoop} polls it and tags it with its partition's assignment epoch; its offset is tracked;</li>
 *   <li>{@link PartitionGate} holds it until its partition's processed ids (and the handler's state) are
 *       restored;</li>
 *   <li>{@link MessagePipeline} parses it; a record that is not a valid envelope goes to the poison topic;</li>
 *   <li>dedupe: an id processed before is ACKed again, an id running now waits for that run;</li>
 *   <li>the {@link LeaseGuard} confirms B still owns the partition, then the handler runs;</li>
 *   <li>the {@link Guarantee} makes the outcome durable (effects, processed-id marker, ACK/NACK);</li>
 *   <li>… and the offset: committed after the rest ({@link AtLeastOnce}) or with it in one transaction
 *       ({@link ExactlyOnce}).</li>
 * </ol>
 * Rebalances run inside the consumer's own callbacks: a partition being revoked stops starting work, lets started
 * work finish (up to {@code shutdown.timeout.ms}) and commits before it goes; a lost one is dropped at once.
 */
public class ConsumerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerVerticle.class);

  /** How long one poll waits for records; also bounds how long a commit or a stop waits for a running poll. */
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);
  /**
   * After shutdown.timeout.ms, how long the rest of a stop (the last commit, closing the clients) may take, broker
   * or not: without a bound, a broker that is gone holds B for Kafka's own timeouts (a commit 60 s, a send 2 min).
   */
  static final long CLOSE_BUDGET_MS = 10_000;
  /** Bound on closing the consumer (the last revocation commits inside it). */
  private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(CLOSE_BUDGET_MS);
  /** Beyond shutdown.timeout.ms, how long a revocation waits for B's event loop before letting go anyway. */
  private static final long REVOKE_MARGIN_MS = 5_000;

  private final MessageHandler givenHandler;
  private final Clock clock;
  private final BiFunction<Vertx, ConsumerOptions, DedupeStore> dedupeFactory;
  private final ConsumerStats stats = new ConsumerStats();
  private final OffsetTracker offsets = new OffsetTracker();
  private final PartitionEpochs epochs = new PartitionEpochs();

  private ConsumerOptions options;
  private Map<String, Integer> topicPartitions;
  private MessageHandler handler;
  private boolean handlerStarted;
  private DedupeStore dedupe;
  private KafkaSender producer;
  private ReplySender replies;
  private TransactionalProducer transactions;
  private Lease lease;
  private long leaseMillis;
  private ConsumerLoop loop;
  private Guarantee guarantee;
  private LeaseGuard guard;
  private MessagePipeline pipeline;
  private PartitionGate gate;
  private InFlightLimit limit;
  private HttpServer server;
  private StatsPublisher statsPublisher;
  private boolean subscribed;
  private boolean stopping;
  private boolean fenced;
  private Promise<Void> idle;

  /** B with the handler named by {@code handler.class}. */
  public ConsumerVerticle() {
    this(null, Clock.SYSTEM, ConsumerVerticle::durableDedupe);
  }

  /**
   * B with the given handler; {@code handler.class} is ignored. A lambda fits both handler interfaces, so give it a
   * type first: {@code MessageHandler h = m -> …; new ConsumerVerticle(h)}.
   */
  public ConsumerVerticle(MessageHandler handler) {
    this(Objects.requireNonNull(handler, "handler"), Clock.SYSTEM, ConsumerVerticle::durableDedupe);
  }

  /** B with the given blocking handler, run on worker threads; {@code handler.class} is ignored. */
  public ConsumerVerticle(BlockingMessageHandler handler) {
    this(new BlockingHandlerAdapter(handler));
  }

  /**
   * B with every collaborator given: the handler ({@code null} → {@code handler.class}), the clock, and how the
   * dedupe record is made (default: {@link ProcessedTopicStore} over {@code <prefix>processed}).
   */
  public ConsumerVerticle(MessageHandler handler, Clock clock,
      BiFunction<Vertx, ConsumerOptions, DedupeStore> dedupeFactory) {
    this.givenHandler = handler;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.dedupeFactory = Objects.requireNonNull(dedupeFactory, "dedupeFactory");
  }

  /** The dedupe store B uses unless told otherwise: ids restored from {@code <prefix>processed}. */
  public static DedupeStore durableDedupe(Vertx vertx, ConsumerOptions options) {
    return new ProcessedTopicStore(vertx, options.kafka(), options.exactlyOnce(),
        "ackcoord-b-dedupe-" + options.instanceId(), options.dedupeCapacity());
  }

  @Override
  public Future<?> start() {
    return step("load configuration", this::loadOptions)
        .compose(v -> step("create topics", this::ensureTopics))
        .compose(v -> step("create the reply producer", this::createProducer))
        .compose(v -> step("initialise transactions", this::createTransactionalProducer))
        .compose(v -> step("initialise the handler", this::startHandler))
        .compose(v -> step("subscribe to " + options.kafka().topics().messages(), this::subscribe))
        .compose(v -> step("start the HTTP server", this::startHttp))
        .compose(v -> step("publish stats", this::publishStats))
        .onSuccess(v -> LOG.info("Consumer B {} started: group {}, topic {}, {}, handler {}, status on {}",
            options.instanceId(), options.groupId(), options.kafka().topics().messages(), options.guarantee(),
            handler, server == null ? "(off)" : options.http().host() + ":" + server.actualPort()))
        .recover(err -> closeResources().transform(ignored -> Future.failedFuture(err)));
  }

  /**
   * Stops fetching, waits up to {@code shutdown.timeout.ms} for records in flight, makes what is complete durable,
   * then closes the consumer, the handler, the producers and the HTTP server, in that order; everything after the
   * wait within {@link #CLOSE_BUDGET_MS}, so a stop ends in bounded time even with the broker gone.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    if (loop == null) {
      return closeResources();
    }
    loop.pause(true);
    // Records waiting for a restore never start: the next owner reads them.
    stats.inFlight.addAndGet(-gate.drain(epochs.owned()));
    return awaitIdle(options.shutdownTimeoutMillis()).compose(v -> {
      Deadline deadline = Deadline.in(clock, CLOSE_BUDGET_MS);
      return bounded("last commit", guarantee.flush(), deadline).eventually(() -> closeResources(deadline));
    });
  }

  /** B's counters; safe to read from any thread. */
  public ConsumerCounters stats() {
    return stats;
  }

  /** The HTTP port actually bound (useful with {@code http.port: 0}), or -1 when the server is off. */
  public int actualHttpPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** The options B runs with; {@code null} before start. */
  public ConsumerOptions options() {
    return options;
  }

  /** The topic-1 partitions this B owns now; safe to read from any thread. */
  public Set<TopicPartition> assignedPartitions() {
    return epochs.owned();
  }

  // ---- start-up steps ----

  private Future<Void> loadOptions() {
    ConfigLoader loader = ConfigLoader.create(vertx, config(), ConsumerOptions.definition());
    return loader.load()
        // B reads its configuration once; the watcher would only keep a timer running.
        .eventually(() -> {
          loader.close();
          return Future.succeededFuture();
        })
        // from() may resolve the hostname, and loading handler.class runs user code: both off the event loop.
        .compose(config -> vertx.executeBlocking(() -> {
          ConsumerOptions o = ConsumerOptions.from(config);
          return new Loaded(o, givenHandler != null ? givenHandler : HandlerLoader.load(o.handlerClass()));
        }, false))
        .map(loaded -> {
          options = loaded.options();
          handler = loaded.handler();
          limit = new InFlightLimit(options.maxInFlight());
          if (givenHandler != null && !ConsumerOptions.DEFAULT_HANDLER_CLASS.equals(options.handlerClass())) {
            LOG.warn("{} = {} ignored: this B was given the handler {}", ConsumerOptions.HANDLER_CLASS,
                options.handlerClass(), givenHandler);
          }
          return null;
        });
  }

  /** What the configuration step produces off the event loop. */
  private record Loaded(ConsumerOptions options, MessageHandler handler) {
  }

  private Future<Void> ensureTopics() {
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
        leaseMillis = Math.max(1, session / 2);
        return Future.succeededFuture();
      }
      return TopicAdmin.maxTimestampAge(vertx, kafka, topics.results()).map(fence -> {
        leaseMillis = Lease.durationFor(session, fence);
        if (Lease.fences(session, fence)) {
          LOG.info("Effects are fenced: {} refuses a write arriving over {} ms after B's ownership check; lease {} ms",
              topics.results(), fence, leaseMillis);
        } else {
          LOG.warn("{} has {} = {}, not under session.timeout.ms {}: a B paused between its ownership check and a "
              + "write can still land that write after another B took the partition (a duplicate effect). Set it "
              + "to {} (kafka-configs.sh --alter --add-config {}={})", topics.results(), TopicAdmin.MAX_TIMESTAMP_AGE,
              fence == Long.MAX_VALUE ? "unset" : fence, session, TopicAdmin.EFFECT_FENCE_MS,
              TopicAdmin.MAX_TIMESTAMP_AGE, TopicAdmin.EFFECT_FENCE_MS);
        }
        return null;
      });
    });
  }

  private Future<Void> createProducer() {
    return KafkaClients.idempotentProducer(vertx, options.kafka(), "ackcoord-b-replies-" + options.instanceId())
        .map(p -> {
          producer = p;
          replies = new ReplySender(vertx, p, options.kafka().topics(), options.instanceId(), clock, stats,
              Backoff.DEFAULT);
          return null;
        });
  }

  private Future<Void> createTransactionalProducer() {
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
          return null;
        });
  }

  private Future<Void> startHandler() {
    handlerStarted = true;
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

  private Future<Void> subscribe() {
    int maxPollRecords = Math.min(500, options.maxInFlight());
    String id = options.instanceId();
    return KafkaClients.groupConsumer(vertx, options.kafka(), options.groupId(), "ackcoord-b-" + id,
            maxPollRecords, options.staticMembership() ? id : null)
        .compose(consumer -> {
          lease = new Lease(clock, leaseMillis);
          loop = new ConsumerLoop(consumer, context, epochs, lease, clock, POLL_TIMEOUT, CLOSE_TIMEOUT,
              "ackcoord-b-consumer-" + id);
          guard = new LeaseGuard(vertx, clock, epochs, lease, () -> guarantee.renewLease(), Backoff.DEFAULT,
              stats);
          guarantee = options.exactlyOnce() ? exactlyOnce(guard) : atLeastOnce(guard);
          dedupe = dedupeFactory.apply(vertx, options);
          Supplier<Future<Integer>> countReplyPartitions = () -> producer.partitionsFor(options.kafka().topics().acks())
              .map(List::size);
          pipeline = new MessagePipeline(vertx, context, handler, dedupe, guarantee, guard, replies, epochs, clock,
              stats, options.progressAutoExtend(), topicPartitions.getOrDefault(options.kafka().topics().acks(), 0),
              countReplyPartitions);
          gate = new PartitionGate(vertx, pipeline::accept, this::finished);
          return loop.start(Set.of(options.kafka().topics().messages()), new LoopEvents());
        })
        .onSuccess(v -> subscribed = true);
  }

  private Guarantee atLeastOnce(LeaseGuard guard) {
    OffsetCommitter committer = new OffsetCommitter(vertx, offsets, loop::commit, stats, Backoff.DEFAULT);
    return new AtLeastOnce(replies, producer, guard, epochs, offsets, committer, clock, context, stats);
  }

  private Guarantee exactlyOnce(LeaseGuard guard) {
    TransactionBatcher batcher = new TransactionBatcher(vertx, transactions, offsets, epochs, lease,
        loop::groupMetadata, options.transactionMaxRecords(), options.transactionMaxMillis(), Backoff.DEFAULT, stats,
        this::standDown, new TransactionRecords(options.kafka().topics(), options.instanceId(), clock)::of);
    return new ExactlyOnce(batcher, guard, epochs, options.kafka().topics(), options.instanceId(), clock, context,
        stats);
  }

  private Future<Void> startHttp() {
    if (!options.http().enabled()) {
      return Future.succeededFuture();
    }
    // Healthy once B is subscribed and owns partitions: a B without partitions processes nothing.
    var router = StatusRoutes.create(vertx,
        () -> subscribed && !epochs.owned().isEmpty() && !stopping && !fenced, this::status);
    return vertx.createHttpServer().requestHandler(router)
        .listen(options.http().port(), options.http().host())
        .map(s -> {
          server = s;
          return null;
        });
  }

  // B's figures for A's status page, on the stats topic (see StatsPublisher).
  private Future<Void> publishStats() {
    return StatsPublisher.start(vertx, options.kafka(), options.instanceId(), this::status, clock)
        .map(p -> {
          statsPublisher = p;
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
        .put("subscribed", subscribed)
        .put("fenced", fenced)
        .put("assignedPartitions", partitions)
        .put("leaseRemainingMs", lease == null ? 0 : Math.max(0, lease.remainingMillis()))
        .put("paused", limit != null && limit.paused())
        .put("handler", String.valueOf(handler));
  }

  // ---- per record ----

  /** 1) One poll's records, in order. */
  private void onRecords(List<Inbound> records) {
    loop.taken();
    for (Inbound in : records) {
      // Not tracked, so never committed: the next owner (or this B after a restart) reads them again.
      if (stopping || fenced || !epochs.isCurrent(in.partition(), in.epoch())) {
        continue;
      }
      // Tracked before anything can complete it, so the commit position cannot pass it.
      offsets.track(in.partition(), in.offset(), in.epoch());
      stats.received.incrementAndGet();
      stats.inFlight.incrementAndGet();
      // 2) started now, or once the partition is restored; refused if the partition is draining.
      if (!gate.offer(in)) {
        stats.inFlight.decrementAndGet();
      }
    }
    applyLimit();
  }

  private void finished(Inbound in, AsyncResult<Void> result) {
    stats.inFlight.decrementAndGet();
    if (result.failed()) {
      if (OwnershipLostException.isCause(result.cause())) {
        stats.dropped.incrementAndGet();
        LOG.debug("Record {} dropped: {}", in, result.cause().getMessage());
      } else if (!stopping) {
        LOG.warn("Record {} left unfinished ({}); its offset stays uncommitted, so it will be read again", in,
            result.cause().toString());
      }
    }
    applyLimit();
    if (idle != null && stats.inFlight() == 0) {
      idle.tryComplete();
    }
  }

  // ---- backpressure ----

  private void applyLimit() {
    if (stopping) {
      return;
    }
    InFlightLimit.Decision decision = limit.update(stats.inFlight());
    if (decision != InFlightLimit.Decision.NONE) {
      LOG.debug("{} fetching at {} records in flight", decision, stats.inFlight());
      loop.pause(decision == InFlightLimit.Decision.PAUSE);
    }
  }

  // ---- rebalancing (on the event loop; ConsumerLoop's callbacks wait where they must) ----

  private void onAssigned(Map<TopicPartition, Long> assigned) {
    LOG.info("Assigned {}: restoring their processed ids before processing them", assigned.keySet());
    assigned.forEach(gate::assigned);
    restore(assigned, 1);
  }

  /** 2) The dedupe record and the handler's state for the partitions, then the gate opens. Retried until gone. */
  private void restore(Map<TopicPartition, Long> assigned, int attempt) {
    Set<TopicPartition> partitions = Set.copyOf(assigned.keySet());
    dedupe.restore(partitions)
        .compose(v -> handlerAssigned(partitions))
        .onComplete(ar -> {
          Map<TopicPartition, Long> current = new HashMap<>();
          assigned.forEach((tp, epoch) -> {
            if (epochs.isCurrent(tp, epoch)) {
              current.put(tp, epoch);
            }
          });
          Set<TopicPartition> gone = new HashSet<>(partitions);
          gone.removeAll(current.keySet());
          if (!gone.isEmpty()) {
            // Revoked while restoring: what was just loaded for them is not ours.
            dedupe.forget(gone);
            handlerRevoked(gone);
          }
          if (ar.succeeded()) {
            current.forEach(gate::open);
          } else if (!current.isEmpty() && !stopping) {
            long delay = Backoff.DEFAULT.delayMillis(attempt);
            LOG.warn("Restoring {} failed (try {}), again in {} ms: {}", current.keySet(), attempt, delay,
                ar.cause().toString());
            vertx.setTimer(delay, id -> restore(current, attempt + 1));
          }
        });
  }

  private Future<Void> handlerAssigned(Set<TopicPartition> partitions) {
    try {
      return Objects.requireNonNullElseGet(handler.onPartitionsAssigned(partitions), Future::succeededFuture);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void handlerRevoked(Set<TopicPartition> partitions) {
    try {
      handler.onPartitionsRevoked(partitions);
    } catch (RuntimeException e) {
      LOG.warn("{}.onPartitionsRevoked failed: {}", handler, e.toString());
    }
  }

  /** The partitions are draining: wait for their started records, then make them durable. */
  private Future<Map<TopicPartition, OffsetAndMetadata>> onRevoking(Set<TopicPartition> partitions) {
    long wait = stopping ? 0 : options.shutdownTimeoutMillis();
    LOG.info("Revoking {}: finishing their started records (up to {} ms)", partitions, wait);
    stats.inFlight.addAndGet(-gate.drain(partitions));
    guard.abandon(partitions);
    return gate.whenIdle(partitions, wait).compose(v -> guarantee.drain(partitions));
  }

  private void onGone(Set<TopicPartition> partitions, boolean lost) {
    if (lost) {
      LOG.warn("Lost {}: another B may own them already; dropping their work unanswered", partitions);
    } else {
      LOG.info("Revoked {}", partitions);
    }
    int dropped = gate.forget(partitions);
    stats.inFlight.addAndGet(-dropped);
    stats.dropped.addAndGet(dropped);
    offsets.forget(partitions);
    dedupe.forget(partitions);
    guarantee.forget(partitions);
    handlerRevoked(partitions);
    applyLimit();
    if (idle != null && stats.inFlight() == 0) {
      idle.tryComplete();
    }
  }

  private void onPollFailed(RuntimeException error) {
    if (error instanceof FencedInstanceIdException) {
      standDown(error);
    } else if (stopping) {
      LOG.debug("Kafka consumer error while stopping: {}", error.toString());
    } else {
      LOG.warn("Kafka consumer error: {}", error.toString());
    }
  }

  /** Another B runs under this B's name: this one stops for good rather than fight over the partitions. */
  private void standDown(Throwable cause) {
    if (fenced) {
      return;
    }
    fenced = true;
    LOG.error("Consumer B {} is fenced ({}): another B runs with consumer.instance.id {}; undeploying this one",
        options.instanceId(), cause.toString(), options.instanceId());
    if (deploymentID() != null) {
      vertx.undeploy(deploymentID()).onFailure(err -> LOG.debug("Undeploying the fenced B: {}", err.toString()));
    }
  }

  /** ConsumerLoop's events, moved from the consumer thread to B's event loop. */
  private final class LoopEvents implements ConsumerLoop.Listener {

    @Override
    public void records(List<Inbound> records) {
      context.runOnContext(v -> onRecords(records));
    }

    @Override
    public void assigned(Set<TopicPartition> partitions) {
      // Read here, on the thread that just set them.
      Map<TopicPartition, Long> assigned = new HashMap<>();
      partitions.forEach(tp -> assigned.put(tp, epochs.current(tp)));
      context.runOnContext(v -> onAssigned(assigned));
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> revoking(Set<TopicPartition> partitions) {
      CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> positions = new CompletableFuture<>();
      context.runOnContext(v -> onRevoking(partitions).onComplete(ar ->
          positions.complete(ar.succeeded() ? ar.result() : Map.of())));
      // The consumer thread may wait; the event loop never waits for it.
      try {
        return positions.get(options.shutdownTimeoutMillis() + REVOKE_MARGIN_MS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        LOG.warn("Revoking {}: B did not finish in time; letting go without committing", partitions);
        return Map.of();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Map.of();
      }
    }

    @Override
    public void gone(Set<TopicPartition> partitions, boolean lost) {
      context.runOnContext(v -> onGone(partitions, lost));
    }

    @Override
    public void pollFailed(RuntimeException error) {
      context.runOnContext(v -> onPollFailed(error));
    }
  }

  // ---- shutdown ----

  private Future<Void> awaitIdle(long timeoutMillis) {
    if (stats.inFlight() == 0) {
      return Future.succeededFuture();
    }
    idle = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, timeoutMillis), id -> {
      if (idle.tryComplete()) {
        LOG.warn("{} records still in flight after {} ms; stopping anyway, they will be read again",
            stats.inFlight(), timeoutMillis);
      }
    });
    return idle.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  private Future<Void> closeResources() {
    return closeResources(Deadline.in(clock, CLOSE_BUDGET_MS));
  }

  /**
   * Closes whatever start-up created, each step even if an earlier one failed, all by {@code deadline}: a step
   * still waiting then is left behind (it ends with the process) and a producer closes without waiting for sends
   * the broker never confirmed.
   */
  private Future<Void> closeResources(Deadline deadline) {
    stopping = true;
    // The consumer first: its last revocation still commits through the strategy.
    return closeQuietly("consumer", loop == null ? null : loop::close, deadline)
        .compose(v -> {
          if (replies != null) {
            replies.close();
          }
          return closeQuietly("processing guarantee", guarantee == null ? null : guarantee::close, deadline);
        })
        .compose(v -> closeQuietly("handler", handlerStarted ? handler::close : null, deadline))
        .compose(v -> closeQuietly("transactional producer", transactions == null ? null : transactions::close,
            deadline))
        .compose(v -> closeQuietly("stats publisher", statsPublisher == null ? null : statsPublisher::close,
            deadline))
        .compose(v -> closeQuietly("reply producer",
            producer == null ? null : () -> producer.close(deadline.leftMillis()), deadline))
        .compose(v -> closeQuietly("HTTP server", server == null ? null : server::close, deadline))
        .onComplete(v -> LOG.info("Consumer B {} stopped: {}", options == null ? "?" : options.instanceId(),
            stats.toJson().encode()));
  }

  private Future<Void> closeQuietly(String what, Supplier<Future<Void>> close, Deadline deadline) {
    if (close == null) {
      return Future.succeededFuture();
    }
    Future<Void> closing;
    try {
      closing = close.get();
    } catch (RuntimeException e) {
      closing = Future.failedFuture(e);
    }
    return bounded("closing the " + what, closing, deadline);
  }

  // A stop goes on whatever a step did: its failure, or the deadline passing first, is only logged.
  private Future<Void> bounded(String what, Future<Void> operation, Deadline deadline) {
    return deadline.await(context, operation, err -> LOG.warn("{} failed: {}",
        what.substring(0, 1).toUpperCase(Locale.ROOT) + what.substring(1),
        err instanceof TimeoutException ? "not done by the stop deadline" : err.toString()));
  }

  /**
   * Runs one start-up step; its failure fails the deployment with the step named. A {@link ConfigException} passes
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
}

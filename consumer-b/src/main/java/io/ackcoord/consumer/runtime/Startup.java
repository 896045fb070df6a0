package io.ackcoord.consumer.runtime;

import io.ackcoord.consumer.ConsumerOptions;
import io.ackcoord.consumer.DedupeStore;
import io.ackcoord.consumer.HandlerSetup;
import io.ackcoord.consumer.MessageHandler;
import io.ackcoord.consumer.dedupe.MarkerMacs;
import io.ackcoord.consumer.kafka.Backoff;
import io.ackcoord.consumer.kafka.GroupSession;
import io.ackcoord.consumer.kafka.KafkaClients;
import io.ackcoord.consumer.loop.InFlightLimit;
import io.ackcoord.consumer.loop.Lease;
import io.ackcoord.consumer.loop.PartitionEpochs;
import io.ackcoord.consumer.offsets.OffsetTracker;
import io.ackcoord.consumer.replies.ReplySender;
import io.ackcoord.consumer.share.ShareGroupSetup;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.consumer.status.StatsPublisher;
import io.ackcoord.consumer.status.StatusRoutes;
import io.ackcoord.consumer.transactions.TransactionalProducer;
import io.ackcoord.http.HealthProbes;
import io.ackcoord.http.HttpServers;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.kafka.KafkaSettings;
import io.ackcoord.kafka.TopicAdmin;
import io.ackcoord.kafka.TopicNames;
import io.ackcoord.time.Clock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * B's start-up steps, each a method that {@link ConsumerRuntime#start} composes in order: each sets its part and adds
 * it to {@link #opened}, and the runtime copies the parts into its final fields once every step succeeded. Lives only
 * while B starts.
 */
final class Startup {

  private static final Logger LOG = LoggerFactory.getLogger(Startup.class);

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
  GroupSession groupSession;
  KafkaSender producer;
  ReplySender replies;
  TransactionalProducer transactions;
  Consumption processing;
  HttpServer server;
  /** B's HTTP router, for {@link ConsumerRuntime#httpRoutes}; {@code null} with HTTP off. */
  Router router;

  Startup(Vertx vertx, ConsumerOptions options, MessageHandler handler, Clock clock,
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
      return GroupSession.of(vertx, kafka, options.groupId(), options.groupProtocol()).compose(session -> {
        groupSession = session;
        return lease(session);
      });
    });
  }

  /**
   * The lease for the group's session: how long after a confirmed commit or join no other B can own B's partitions
   * ({@link GroupSession#confirmedMillis}), less the effect fence.
   */
  private Future<Void> lease(GroupSession groupSession) {
    KafkaSettings kafka = options.kafka();
    TopicNames topics = kafka.topics();
    long session = groupSession.confirmedMillis();
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
        LOG.warn("{} has {} = {}, not under the {} ms B's membership holds after a confirmation ({}): a B paused "
            + "between its ownership check and a write can still land that write after another B took the "
            + "partition (a duplicate effect). Set it to {} (kafka-configs.sh --alter --add-config {}={})",
            topics.results(), TopicAdmin.MAX_TIMESTAMP_AGE, fence == Long.MAX_VALUE ? "unset" : fence, session,
            groupSession, TopicAdmin.EFFECT_FENCE_MS, TopicAdmin.MAX_TIMESTAMP_AGE, TopicAdmin.EFFECT_FENCE_MS);
      }
      return null;
    });
  }

  Future<Void> createProducer() {
    return KafkaClients.idempotentProducer(vertx, options.kafka(), "ackcoord-b-replies-" + options.instanceId())
        .map(p -> {
          producer = p;
          // A producer closes without waiting for sends the broker never confirmed once the deadline is near.
          opened.add(step -> step.close("reply producer", () -> p.close(step.deadline().leftMillis())));
          replies = new ReplySender(vertx, p, options.kafka().topics(), options.instanceId(), clock, stats,
              Backoff.DEFAULT, MarkerMacs.of(options)::mark);
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
    if (options.shareMode()) {
      return joinShareGroup(maxPollRecords, id);
    }
    Future<Void> nameFree = options.staticMembership()
        ? groupSession.awaitInstanceReleased(vertx, options.kafka(), options.groupId(), id)
        : Future.succeededFuture();
    return nameFree.compose(v -> KafkaClients.groupConsumer(vertx, options.kafka(), options.groupId(),
            "ackcoord-b-" + id, maxPollRecords, options.staticMembership() ? id : null, options.groupProtocol()))
        .compose(consumer -> {
          processing = processing(consumer);
          opened.add(processing::close);
          return processing.start();
        })
        .onSuccess(v -> state.subscribed(true));
  }

  private Future<Void> joinShareGroup(int maxPollRecords, String id) {
    return ShareGroupSetup.prepare(vertx, options.kafka(), options.groupId())
        .compose(lockMillis -> {
          processing = new ShareProcessing(vertx, context, options, handler, clock, stats, epochs, state,
              topicPartitions, () -> KafkaClients.newShareConsumer(options.kafka(), options.groupId(),
                  "ackcoord-b-" + id, maxPollRecords), producer, replies, dedupeFactory.apply(vertx, options),
              lockMillis, ConsumerRuntime.CLOSE_TIMEOUT);
          opened.add(processing::close);
          return processing.start();
        })
        .onSuccess(v -> state.subscribed(true));
  }

  private Processing processing(KafkaConsumer<String, byte[]> consumer) {
    return new Processing(vertx, context, options, handler, clock, stats, epochs, offsets, state, limit, lease,
        topicPartitions, consumer, producer, replies, transactions, dedupeFactory.apply(vertx, options),
        ConsumerRuntime.CLOSE_TIMEOUT, this::standDown);
  }

  Future<Void> startHttp() {
    if (!options.http().enabled()) {
      return Future.succeededFuture();
    }
    // Healthy once B is subscribed and owns partitions: a B without partitions processes nothing.
    var router = StatusRoutes.create(vertx, options.http(), clock,
        () -> state.subscribed() && !epochs.owned().isEmpty() && state.accepting(), this::readiness, this::status);
    this.router = router;
    return HttpServers.listen(vertx, options.http(), router)
        .map(s -> {
          server = s;
          opened.add("HTTP server", s::close);
          return null;
        });
  }

  /**
   * {@code GET /health/ready}: B processes records once it is subscribed (a share consumer: joined), owns partitions
   * (share mode: every B may get records of every partition) and has restored their processed ids, and while it is
   * neither stopping nor fenced.
   */
  private List<HealthProbes.Check> readiness() {
    HealthProbes.Check subscribed = state.subscribed() ? HealthProbes.Check.up("subscribed")
        : HealthProbes.Check.down("subscribed", "not subscribed to " + options.kafka().topics().messages());
    HealthProbes.Check partitions = options.shareMode() || !epochs.owned().isEmpty()
        ? HealthProbes.Check.up("partitions")
        : HealthProbes.Check.down("partitions", "no partition of " + options.kafka().topics().messages()
            + " assigned to this B");
    HealthProbes.Check restored = processing != null && processing.restored() ? HealthProbes.Check.up("restored")
        : HealthProbes.Check.down("restored", "processed ids of the assigned partitions not restored yet");
    HealthProbes.Check accepting = state.accepting() ? HealthProbes.Check.up("accepting")
        : HealthProbes.Check.down("accepting", state.fenced() ? "fenced" : "stopping");
    return List.of(subscribed, partitions, restored, accepting);
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
        .put("mode", options.mode().configValue())
        .put("groupProtocol", options.groupProtocol().configValue())
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

package io.ackcoord.consumer;

import io.ackcoord.config.ConfigException;
import io.ackcoord.config.ConfigLoader;
import io.ackcoord.kafka.KafkaSettings;
import io.ackcoord.kafka.TopicAdmin;
import io.ackcoord.time.Clock;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer B: reads topic 1, processes each message with a pluggable {@link MessageHandler}, replies on topic 2 and
 * commits a record's offset only after its reply is confirmed, so a crash at any point leaves the record to be read
 * again rather than lost.
 *
 * <p>Per record (the numbers are those of docs/ARCHITECTURE.md and of the comments below):
 * <ol>
 *   <li>the record arrives and its offset is tracked as in flight;</li>
 *   <li>it is parsed; a record that is not a valid envelope is copied to the poison topic;</li>
 *   <li>dedupe: an id processed before is ACKed again, an id running now waits for that run, neither is
 *       processed;</li>
 *   <li>the handler runs: success → remembered and ACK, failure → NACK (retryable or not);</li>
 *   <li>once the broker confirmed the reply (or poison copy) the offset is complete and committed, in order per
 *       partition, coalesced to one commit in flight;</li>
 *   <li>a reply send that fails is retried with backoff; its offset waits.</li>
 * </ol>
 *
 * <p>Guarantee: at-least-once processing, exactly-once effect while the id is in the dedupe record. A crash before
 * step 5 means the record is read again; a crash after it means A already has its reply.
 */
public class ConsumerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerVerticle.class);

  /** How long one poll waits for records; also bounds how long a commit queues behind an idle poll. */
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  private final MessageHandler givenHandler;
  private final Clock clock;
  private final Function<ConsumerOptions, DedupeStore> dedupeFactory;
  private final ConsumerStats stats = new ConsumerStats();
  private final OffsetTracker offsets = new OffsetTracker();
  private final Set<TopicPartition> assigned = new HashSet<>();

  private ConsumerOptions options;
  private int replyPartitions;
  private MessageHandler handler;
  private boolean handlerStarted;
  private KafkaWriteStream<String, byte[]> producer;
  private ReplySender replies;
  private MessagePipeline pipeline;
  private KafkaReadStream<String, byte[]> consumer;
  private OffsetCommitter committer;
  private InFlightLimit limit;
  private HttpServer server;
  private StatsPublisher statsPublisher;
  private boolean subscribed;
  private PartitionPauser pauser;
  private boolean stopping;
  private Promise<Void> idle;

  /** B with the handler named by {@code handler.class}. */
  public ConsumerVerticle() {
    this(null, Clock.SYSTEM, o -> new ProcessedIds(o.dedupeCapacity()));
  }

  /**
   * B with the given handler; {@code handler.class} is ignored. A lambda fits both handler interfaces, so give it a
   * type first: {@code MessageHandler h = m -> …; new ConsumerVerticle(h)}.
   */
  public ConsumerVerticle(MessageHandler handler) {
    this(Objects.requireNonNull(handler, "handler"), Clock.SYSTEM, o -> new ProcessedIds(o.dedupeCapacity()));
  }

  /** B with the given blocking handler, run on worker threads; {@code handler.class} is ignored. */
  public ConsumerVerticle(BlockingMessageHandler handler) {
    this(new BlockingHandlerAdapter(handler));
  }

  /**
   * B with every collaborator given: the handler ({@code null} → {@code handler.class}), the clock, and how the
   * dedupe record is made from the options (the seam for a durable store).
   */
  public ConsumerVerticle(MessageHandler handler, Clock clock, Function<ConsumerOptions, DedupeStore> dedupeFactory) {
    this.givenHandler = handler;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.dedupeFactory = Objects.requireNonNull(dedupeFactory, "dedupeFactory");
  }

  @Override
  public Future<?> start() {
    return step("load configuration", this::loadOptions)
        .compose(v -> step("create topics", this::ensureTopics))
        .compose(v -> step("create the reply producer", this::createProducer))
        .compose(v -> step("initialise the handler", this::startHandler))
        .compose(v -> step("subscribe to " + options.kafka().topics().messages(), this::subscribe))
        .compose(v -> step("start the HTTP server", this::startHttp))
        .compose(v -> step("publish stats", this::publishStats))
        .onSuccess(v -> LOG.info("Consumer B {} started: group {}, topic {}, handler {}, status on {}",
            options.instanceId(), options.groupId(), options.kafka().topics().messages(), handler,
            server == null ? "(off)" : options.http().host() + ":" + server.actualPort()))
        .recover(err -> closeResources().transform(ignored -> Future.failedFuture(err)));
  }

  /**
   * Stops fetching, waits up to {@code shutdown.timeout.ms} for records in flight, commits what is complete, then
   * closes the consumer, the handler, the producer and the HTTP server, in that order.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    if (consumer == null) {
      return closeResources();
    }
    // Stream-level pause: no more records are handed to B; those already fetched are read again by the next owner.
    consumer.pause();
    return awaitIdle(options.shutdownTimeoutMillis())
        .compose(v -> committer.flush())
        .eventually(this::closeResources);
  }

  /** B's counters; safe to read from any thread. */
  public ConsumerStats stats() {
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
    return TopicAdmin.ensureTopics(vertx, kafka).map(counts -> {
      replyPartitions = counts.getOrDefault(kafka.topics().acks(), 0);
      return null;
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

  private Future<Void> startHandler() {
    handlerStarted = true;
    HandlerSetup setup = new HandlerSetup(vertx, options.handlerConfig(), options.kafka(), options.instanceId(),
        options, clock);
    Future<Void> init;
    try {
      init = handler.init(setup);
    } catch (RuntimeException e) {
      init = Future.failedFuture(e);
    }
    Supplier<Future<Integer>> countReplyPartitions = () -> producer.partitionsFor(options.kafka().topics().acks())
        .map(List::size);
    return Objects.requireNonNullElseGet(init, Future::<Void>succeededFuture).onSuccess(v ->
        pipeline = new MessagePipeline(vertx, context, handler, dedupeFactory.apply(options), replies, clock, stats,
            options.progressAutoExtend(), replyPartitions, countReplyPartitions));
  }

  private Future<Void> subscribe() {
    int maxPollRecords = Math.min(500, options.maxInFlight());
    return KafkaClients.manualCommitConsumer(vertx, options.kafka(), options.groupId(),
            "ackcoord-b-" + options.instanceId(), maxPollRecords,
            options.staticMembership() ? options.instanceId() : null)
        .compose(stream -> {
          consumer = stream;
          committer = new OffsetCommitter(vertx, offsets, stream::commit, stats, Backoff.DEFAULT);
          pauser = new PartitionPauser(vertx, stream);
          stream.pollTimeout(POLL_TIMEOUT);
          // Called on the Kafka polling thread: only log here.
          stream.exceptionHandler(err -> LOG.warn("Kafka consumer error: {}", err.toString()));
          stream.partitionsAssignedHandler(this::onAssigned);
          stream.partitionsRevokedHandler(this::onRevoked);
          stream.handler(this::onRecord);
          return stream.subscribe(Set.of(options.kafka().topics().messages()));
        })
        .onSuccess(v -> subscribed = true);
  }

  private Future<Void> startHttp() {
    if (!options.http().enabled()) {
      return Future.succeededFuture();
    }
    // Healthy once B is subscribed and owns partitions: a B without partitions processes nothing.
    var router = StatusRoutes.create(vertx, () -> subscribed && !assigned.isEmpty() && !stopping, this::status);
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
    assigned.stream().map(TopicPartition::toString).sorted().forEach(partitions::add);
    return stats.toJson()
        .put("consumerId", options.instanceId())
        .put("groupId", options.groupId())
        .put("subscribed", subscribed)
        .put("assignedPartitions", partitions)
        .put("paused", pauser != null && pauser.paused())
        .put("handler", String.valueOf(handler));
  }

  // ---- per record ----

  private void onRecord(ConsumerRecord<String, byte[]> record) {
    if (stopping) {
      return; // not tracked, so never committed: the next owner reads it again
    }
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    // 1) tracked before anything can complete it, so the commit position cannot pass it.
    offsets.track(tp, record.offset());
    stats.received.incrementAndGet();
    stats.inFlight.incrementAndGet();
    applyLimit();
    // 2)–4), 6): parse, dedupe, handle, reply; completes when the broker confirmed the reply or poison copy.
    pipeline.accept(record).onComplete(ar -> finished(tp, record.offset(), ar));
  }

  private void finished(TopicPartition tp, long offset, AsyncResult<Void> result) {
    stats.inFlight.decrementAndGet();
    if (result.succeeded()) {
      // 5) the reply is durable: the offset may be committed once every offset below it is too.
      offsets.complete(tp, offset);
      committer.request();
    } else {
      LOG.warn("Record {}@{} left unfinished ({}); its offset stays uncommitted, so it will be read again", tp,
          offset, result.cause().toString());
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
      pauser.set(decision == InFlightLimit.Decision.PAUSE);
    }
  }

  // ---- rebalancing ----

  private void onAssigned(Set<TopicPartition> partitions) {
    assigned.addAll(partitions);
    LOG.info("Assigned {}", partitions);
    pauser.assigned();
  }

  private void onRevoked(Set<TopicPartition> partitions) {
    assigned.removeAll(partitions);
    LOG.info("Revoked {}", partitions);
    // Commit what is done for them and forget them; records of theirs still running are answered, but their
    // offsets are the new owner's business (it reads them again, and dedupe or A absorbs the repeat). The commit's
    // failure is logged by the committer; there is nothing else to do about it once the partitions are gone.
    committer.commitRevoked(partitions);
    offsets.forget(partitions);
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

  /** Closes whatever start-up created, each step even if an earlier one failed. */
  private Future<Void> closeResources() {
    stopping = true;
    if (committer != null) {
      committer.close();
    }
    if (pauser != null) {
      pauser.close();
    }
    if (replies != null) {
      replies.close();
    }
    return closeQuietly("consumer", consumer == null ? null : consumer::close)
        .compose(v -> closeQuietly("handler", handlerStarted ? handler::close : null))
        .compose(v -> closeQuietly("stats publisher", statsPublisher == null ? null : statsPublisher::close))
        .compose(v -> closeQuietly("reply producer", producer == null ? null : producer::close))
        .compose(v -> closeQuietly("HTTP server", server == null ? null : server::close))
        .onComplete(v -> LOG.info("Consumer B {} stopped: {}", options == null ? "?" : options.instanceId(),
            stats.toJson().encode()));
  }

  private static Future<Void> closeQuietly(String what, Supplier<Future<Void>> close) {
    if (close == null) {
      return Future.succeededFuture();
    }
    Future<Void> closing;
    try {
      closing = close.get();
    } catch (RuntimeException e) {
      closing = Future.failedFuture(e);
    }
    return closing.recover(err -> {
      LOG.warn("Closing the {} failed: {}", what, err.toString());
      return Future.succeededFuture();
    });
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

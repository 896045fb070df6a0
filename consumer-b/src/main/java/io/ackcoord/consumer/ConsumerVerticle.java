package io.ackcoord.consumer;

import io.ackcoord.config.ConfigException;
import io.ackcoord.config.ConfigLoader;
import io.ackcoord.consumer.dedupe.MarkerMacs;
import io.ackcoord.consumer.dedupe.ProcessedTopicStore;
import io.ackcoord.consumer.pipeline.BlockingHandlerAdapter;
import io.ackcoord.consumer.pipeline.HandlerLoader;
import io.ackcoord.consumer.runtime.ConsumerRuntime;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.consumer.tracing.TracedHandler;
import io.ackcoord.time.Clock;
import io.ackcoord.tracing.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer B: reads topic 1, processes each message with a pluggable {@link MessageHandler}, replies on topic 2 and
 * commits a record's offset only after its outcome is durable, so a crash at any point leaves the record to be read
 * again rather than lost, and a record read again is not processed again.
 *
 * <p>Per record, B's protocol steps (docs/ARCHITECTURE.md; the code's comments name them the same way):
 * <ol>
 *   <li>B1 Poll: the consumer loop polls it and tags it with its partition's assignment epoch; its offset is
 *       tracked;</li>
 *   <li>B2 Gate: it waits until its partition's processed ids (and the handler's state) are restored;</li>
 *   <li>B3 Parse: a record that is not a valid envelope goes to the poison topic;</li>
 *   <li>B4 Dedupe: an id processed before is ACKed again, an id running now waits for that run;</li>
 *   <li>B5 Permit and process: B confirms it still owns the partition, then the handler runs;</li>
 *   <li>B6 Settle: the outcome is made durable (effects, processed-id marker, ACK/NACK);</li>
 *   <li>B7 Commit: the offset, committed after the rest (at-least-once) or with it in one transaction
 *       (exactly-once).</li>
 * </ol>
 * Rebalances run inside the consumer's own callbacks: a partition being revoked stops starting work, lets started
 * work finish (up to {@code shutdown.timeout.ms}) and commits before it goes; a lost one is dropped at once.
 *
 * <p>The verticle parses its options, loads the handler and starts a {@link ConsumerRuntime}, which holds every part
 * and closes them on stop.
 */
public class ConsumerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerVerticle.class);
  /** Counters of a B that has not started (yet): all zero. */
  private static final ConsumerCounters NOT_STARTED = new ConsumerStats();

  private final MessageHandler givenHandler;
  private final Clock clock;
  private final BiFunction<Vertx, ConsumerOptions, DedupeStore> dedupeFactory;
  /** The OpenTelemetry instance to trace with, or {@code null} to configure it from the options. */
  private final OpenTelemetry openTelemetry;
  /** Set by {@link #start}, closed by {@link #stop}. */
  private Tracing tracing = Tracing.OFF;
  /** Set once, on the event loop, when start-up succeeded; read from any thread. */
  private volatile ConsumerRuntime runtime;

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
   * dedupe record is made (default: ids restored from {@code <prefix>processed}).
   */
  public ConsumerVerticle(MessageHandler handler, Clock clock,
      BiFunction<Vertx, ConsumerOptions, DedupeStore> dedupeFactory) {
    this(handler, clock, dedupeFactory, null);
  }

  /**
   * B with every collaborator given, tracing through {@code openTelemetry}, which the caller owns and closes (tests
   * pass an SDK with an in-memory exporter); {@code null} configures tracing from the options and {@code OTEL_*}
   * variables (docs/operations.md#tracing).
   */
  public ConsumerVerticle(MessageHandler handler, Clock clock,
      BiFunction<Vertx, ConsumerOptions, DedupeStore> dedupeFactory, OpenTelemetry openTelemetry) {
    this.givenHandler = handler;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.dedupeFactory = Objects.requireNonNull(dedupeFactory, "dedupeFactory");
    this.openTelemetry = openTelemetry;
  }

  /** The dedupe store B uses unless told otherwise: ids restored from {@code <prefix>processed}. */
  public static DedupeStore durableDedupe(Vertx vertx, ConsumerOptions options) {
    return new ProcessedTopicStore(vertx, options.kafka(), options.exactlyOnce(),
        "ackcoord-b-dedupe-" + options.instanceId(), options.dedupeCapacity(),
        MarkerMacs.of(options));
  }

  @Override
  public Future<?> start() {
    return loadOptions()
        .compose(loaded -> {
          ConsumerOptions o = loaded.options();
          tracing = openTelemetry != null ? Tracing.using(openTelemetry)
              : Tracing.open(o.tracing(), "ackcoord-b", System.getenv());
          // Off, the handler runs as it is: no span, no lookup of the record's traceparent.
          MessageHandler handler = tracing.enabled()
              ? new TracedHandler(loaded.handler(), tracing, o.groupId(), o.instanceId()) : loaded.handler();
          return ConsumerRuntime.start(vertx, o, handler, clock, dedupeFactory, this::undeployFenced)
              .onFailure(err -> tracing.close(vertx));
        })
        .onSuccess(r -> runtime = r);
  }

  /**
   * Stops fetching, waits up to {@code shutdown.timeout.ms} for records in flight, makes what is complete durable,
   * then closes the consumer, the handler, the producers and the HTTP server; everything after the wait within
   * {@link ConsumerRuntime#CLOSE_BUDGET_MS}, so a stop ends in bounded time even with the broker gone.
   */
  @Override
  public Future<?> stop() {
    ConsumerRuntime running = runtime;
    // A start-up that failed has closed what it opened; spans of the last moments are exported after the rest.
    return running == null ? Future.succeededFuture() : running.stop().eventually(() -> tracing.close(vertx));
  }

  /** B's counters; safe to read from any thread. */
  public ConsumerCounters stats() {
    ConsumerRuntime running = runtime;
    return running == null ? NOT_STARTED : running.stats();
  }

  /** The HTTP port actually bound (useful with {@code http.port: 0}), or -1 when the server is off. */
  public int actualHttpPort() {
    ConsumerRuntime running = runtime;
    return running == null ? -1 : running.actualHttpPort();
  }

  /**
   * Every route of B's HTTP router, or none when HTTP is off or B is not started: lets a test hold each route to
   * the rules every route must follow, including routes added later.
   */
  public List<Route> httpRoutes() {
    ConsumerRuntime running = runtime;
    return running == null ? List.of() : running.httpRoutes();
  }

  /** The options B runs with; {@code null} before start. */
  public ConsumerOptions options() {
    ConsumerRuntime running = runtime;
    return running == null ? null : running.options();
  }

  /** The topic-1 partitions this B owns now; safe to read from any thread. */
  public Set<TopicPartition> assignedPartitions() {
    ConsumerRuntime running = runtime;
    return running == null ? Set.of() : running.assignedPartitions();
  }

  private Future<Loaded> loadOptions() {
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
        .onSuccess(loaded -> {
          if (givenHandler != null && !ConsumerOptions.DEFAULT_HANDLER_CLASS.equals(loaded.options().handlerClass())) {
            LOG.warn("{} = {} ignored: this B was given the handler {}", ConsumerOptions.HANDLER_CLASS,
                loaded.options().handlerClass(), givenHandler);
          }
        })
        .recover(err -> err instanceof ConfigException ? Future.failedFuture(err)
            : Future.failedFuture(new IllegalStateException("consumer B could not load configuration: " + err, err)));
  }

  /** What the configuration step produces off the event loop. */
  private record Loaded(ConsumerOptions options, MessageHandler handler) {
  }

  // Another B runs under this B's name: this one leaves for good rather than fight over the partitions.
  private void undeployFenced() {
    if (deploymentID() != null) {
      vertx.undeploy(deploymentID()).onFailure(err -> LOG.debug("Undeploying the fenced B: {}", err.toString()));
    }
  }
}

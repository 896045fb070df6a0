package io.ackcoord.consumer.runtime;

import io.ackcoord.config.ConfigException;
import io.ackcoord.consumer.ConsumerCounters;
import io.ackcoord.consumer.ConsumerOptions;
import io.ackcoord.consumer.DedupeStore;
import io.ackcoord.consumer.MessageHandler;
import io.ackcoord.consumer.loop.PartitionEpochs;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.kafka.TopicNames;
import io.ackcoord.time.Clock;
import io.ackcoord.time.Deadline;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;
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
  static final Duration CLOSE_TIMEOUT = Duration.ofMillis(CLOSE_BUDGET_MS);

  private final ConsumerOptions options;
  private final Clock clock;
  private final ConsumerStats stats;
  private final PartitionEpochs epochs;
  private final RunState state;
  private final Consumption processing;
  private final HttpServer server;
  /** {@code null} with HTTP off. */
  private final Router router;
  private final Closers opened;

  ConsumerRuntime(Startup s) {
    this.options = s.options;
    this.clock = s.clock;
    this.stats = s.stats;
    this.epochs = s.epochs;
    this.state = s.state;
    this.processing = s.processing;
    this.server = s.server;
    this.router = s.router;
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
    Startup s = new Startup(vertx, options, handler, clock, dedupeFactory, onFenced);
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

  /** Every route of B's HTTP router, or none with HTTP off. */
  public List<Route> httpRoutes() {
    return router == null ? List.of() : router.getRoutes();
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
}

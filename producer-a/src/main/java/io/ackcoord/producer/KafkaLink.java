package io.ackcoord.producer;

import io.ackcoord.config.Config;
import io.ackcoord.config.ConfigException;
import io.ackcoord.http.HealthProbes;
import io.ackcoord.http.HttpAuth;
import io.ackcoord.producer.api.TimeoutRule;
import io.ackcoord.producer.coordinator.Coordinator;
import io.ackcoord.producer.coordinator.HeapGuard;
import io.ackcoord.producer.status.LatencyStats;
import io.ackcoord.time.Clock;
import io.ackcoord.time.Deadline;
import io.ackcoord.tracing.Tracing;
import io.ackcoord.tracing.TracingSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A's link to Kafka: connects with backoff and, once connected, holds the {@link Pipeline}. Until then it answers
 * for the routes the pipeline mounts (health DOWN with the reason, 503 for submissions), so A is up while Kafka is
 * not. The one mutable state of a running A lives here: the pipeline once connected, what is wrong until then, and
 * the options a reload changed.
 */
final class KafkaLink {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaLink.class);
  private static final long FIRST_RETRY_MS = 1_000;
  private static final long MAX_RETRY_MS = 30_000;

  private final Vertx vertx;
  private final Clock clock;
  private final HeapGuard heapGuard;
  private final LatencyStats latency = new LatencyStats();
  /** Where the pipeline mounts its routes once connected; {@code null} with HTTP off. */
  private final Router router;
  private final Tracing tracing;
  private volatile ProducerOptions options;
  private volatile Pipeline pipeline;
  private String kafkaProblem = "connecting";
  private long retryTimer = -1;
  private boolean stopping;

  KafkaLink(Vertx vertx, Clock clock, ProducerOptions options, HeapGuard heapGuard, Router router, Tracing tracing) {
    this.vertx = vertx;
    this.clock = clock;
    this.options = options;
    this.heapGuard = heapGuard;
    this.router = router;
    this.tracing = tracing;
  }

  /**
   * Connects to Kafka. The returned Future completes with the first attempt, also when it failed (A keeps answering
   * 503 and retries with backoff), except for a configuration error, which no retry can fix.
   */
  Future<Void> connect(int httpPort) {
    return connect(FIRST_RETRY_MS, true, httpPort);
  }

  private Future<Void> connect(long nextRetryMs, boolean first, int httpPort) {
    ProducerOptions o = options;
    return Pipeline.open(vertx, clock, () -> options, heapGuard, latency, tracing)
        .compose(p -> {
          if (stopping) {
            // Stopped while connecting: nothing will close this pipeline but us.
            return p.close(Deadline.in(clock, o.shutdownTimeoutMillis()))
                .transform(ignored -> Future.failedFuture("stopping"));
          }
          if (router != null) {
            p.mount(vertx, clock, o.maxMessageBytes(), p.timeoutRule(o.timeoutRule()), router);
          }
          pipeline = p;
          kafkaProblem = null;
          LOG.info("Producer A '{}' ready: topic 1 {}, {}, ack.timeout.ms={}, retry.max.attempts={}{}",
              o.producerId(), o.kafka().topics().messages(), o.describeReplyPartition(p.ackPartitions()),
              o.retry().ackTimeoutMillis(), o.retry().maxAttempts(),
              httpPort < 0 ? "" : ", HTTP on " + o.http().host() + ":" + httpPort);
          return Future.<Void>succeededFuture();
        })
        .recover(err -> {
          if (err instanceof ConfigException || stopping) {
            return Future.failedFuture(err);
          }
          kafkaProblem = "Kafka at " + o.kafka().bootstrapServers() + " not usable: " + err.getMessage();
          LOG.warn("{}; answering 503 to submissions and retrying in {} ms", kafkaProblem, nextRetryMs);
          Promise<Void> retried = Promise.promise();
          retryTimer = vertx.setTimer(nextRetryMs, id -> {
            retryTimer = -1;
            connect(Math.min(nextRetryMs * 2, MAX_RETRY_MS), false, httpPort).onComplete(retried);
          });
          // The deployment must not wait for Kafka: it is up, and says so on /health.
          return first ? Future.succeededFuture() : retried.future();
        });
  }

  /** The coordinator once connected, else {@code null}; for the event bus, on A's context. */
  Coordinator coordinator() {
    Pipeline p = pipeline;
    return p == null ? null : p.coordinator();
  }

  /** The bounds on a caller's own timeout: once connected, within what topic 1's retention allows. */
  TimeoutRule timeoutRule() {
    Pipeline p = pipeline;
    return p == null ? options.timeoutRule() : p.timeoutRule(options.timeoutRule());
  }

  /** Whether A is connected to Kafka and taking messages; safe from any thread. */
  boolean connected() {
    return pipeline != null;
  }

  /** The routes of A's HTTP router (all of them once connected), or none with HTTP off. */
  List<Route> routes() {
    return router == null ? List.of() : router.getRoutes();
  }

  /** Messages left pending (in the ledger for the next start), or -1 if A never connected. */
  int pendingCount() {
    Pipeline p = pipeline;
    return p == null ? -1 : p.coordinator().tracker().pendingCount();
  }

  ProducerOptions options() {
    return options;
  }

  // In front of every route. Until A is connected (and taking messages) it answers for the routes mounted later:
  // health DOWN with the reason, status "not connected", and 503 with Retry-After for everything else.
  void gate(RoutingContext ctx) {
    if (pipeline != null && kafkaProblem == null && !stopping) {
      ctx.next();
      return;
    }
    String path = ctx.request().path();
    JsonObject body;
    int code;
    if (path.equals("/health")) {
      // Without a token (when one is required) only the verdict: the reason names the cluster.
      body = HttpAuth.authenticated(ctx) ? health() : new JsonObject().put("status", "DOWN");
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

  /** {@code GET /health} while not connected; once connected, the status page answers with its checks. */
  JsonObject health() {
    Pipeline p = pipeline;
    boolean up = p != null && p.coordinator().ready() && kafkaProblem == null;
    JsonObject json = new JsonObject().put("status", up ? "UP" : "DOWN");
    if (!up) {
      json.put("reason", stopping ? "stopping" : kafkaProblem);
    }
    return json;
  }

  /**
   * The checks of {@code GET /health/ready}: A takes submissions once its pipeline is open ({@code kafka}), its
   * ledger is restored ({@code ledger}), its reply partition is assigned ({@code replies}) and it is not stopping
   * ({@code accepting}). A broker lost later shows on {@code /health}, not here: A then still answers, with 503 and
   * Retry-After, which tells a caller more than a load balancer with no A left behind it.
   */
  Future<List<HealthProbes.Check>> readiness() {
    Pipeline p = pipeline;
    HealthProbes.Check kafka = p != null ? HealthProbes.Check.up("kafka")
        : HealthProbes.Check.down("kafka", kafkaProblem);
    HealthProbes.Check ledger = p != null && p.coordinator().ready() ? HealthProbes.Check.up("ledger")
        : HealthProbes.Check.down("ledger", "not restored");
    HealthProbes.Check accepting = stopping ? HealthProbes.Check.down("accepting", "stopping")
        : HealthProbes.Check.up("accepting");
    Future<HealthProbes.Check> replies = p == null
        ? Future.succeededFuture(HealthProbes.Check.down("replies", "not connected"))
        : p.repliesAssigned().map(assigned -> assigned ? HealthProbes.Check.up("replies")
            : HealthProbes.Check.down("replies", "reply partition not assigned"));
    return replies.map(r -> List.of(kafka, ledger, r, accepting));
  }

  /** {@code GET /api/status}: the status page's figures once connected, else what is wrong. */
  JsonObject status() {
    Pipeline p = pipeline;
    if (p != null) {
      return p.statusService().status();
    }
    return new JsonObject()
        .put("producerId", options.producerId())
        .put("connected", false)
        .put("problem", kafkaProblem)
        .put("config", options.config().toJson());
  }

  // Only the retry policy is live (it applies to timers armed after the change), and the status page's trace link.
  // Other keys need a restart; the log and the status say which.
  void reload(Config config, String file) {
    ProducerOptions next;
    try {
      next = ProducerOptions.from(config);
    } catch (ConfigException e) {
      // Keys that hold only together (http.host without a token, half of the TLS files): like a key that fails
      // its own check, the change is logged and ignored.
      LOG.error("Ignoring config change from {}: {}", file, e.getMessage());
      return;
    }
    List<String> changed = options.config().changedKeys(next.config());
    if (changed.isEmpty()) {
      return;
    }
    List<String> needRestart = changed.stream()
        .filter(k -> !k.startsWith("ack.timeout") && !k.startsWith("retry.") && !k.startsWith("ack.extension")
            || k.equals(ProducerOptions.MIN_TIMEOUT)) // the doors read it when they open
        .filter(k -> !k.equals(TracingSettings.UI_URL))
        .toList();
    Pipeline p = pipeline;
    if (p != null) {
      p.coordinator().tracker().policy(next.retry());
    }
    options = options.withRetry(next.retry(), next.config());
    if (p != null) {
      p.statusService().configReloaded(file, changed, needRestart);
    }
    LOG.info("Config reloaded from {}: changed {}; ack.timeout.ms={} retry.max.attempts={} apply to timers armed "
            + "from now on{}", file, changed, next.retry().ackTimeoutMillis(),
        next.retry().maxAttempts(), needRestart.isEmpty() ? "" : "; " + needRestart + " take effect on restart");
  }

  /** Stops connecting, and closes the pipeline if connected, within {@code deadline}. */
  Future<Void> close(Deadline deadline) {
    stopping = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
    Pipeline p = pipeline;
    return p == null ? Future.succeededFuture() : p.close(deadline);
  }
}

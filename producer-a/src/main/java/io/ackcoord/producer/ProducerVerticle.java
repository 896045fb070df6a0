package io.ackcoord.producer;

import io.ackcoord.config.ConfigLoader;
import io.ackcoord.time.Clock;
import io.ackcoord.time.Deadline;
import io.ackcoord.tracing.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Route;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verticle A: accepts messages, sends them to topic 1, waits for B's reply on topic 2, re-sends on timeout and
 * dead-letters after the last attempt.
 *
 * <p>A thin shell: it loads {@link ProducerOptions} (invalid config fails the deployment) and starts a
 * {@code ProducerRuntime}, which wires Kafka, a Vert.x timer, HTTP and the event bus to the coordinator that owns
 * the protocol. If Kafka cannot be reached, A stays up, says so on {@code /health}, answers 503 to submissions, and
 * retries with backoff; once connected it resumes what its ledger holds, mounts the status page and the API behind
 * the same router, and takes messages. Deploy one instance per process (replies are read by producer id).
 *
 * <pre>bin/vertx run io.ackcoord.producer.ProducerVerticle -conf conf/producer-a.json</pre>
 */
public class ProducerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ProducerVerticle.class);

  private final Clock clock;
  /** The OpenTelemetry instance to trace with, or {@code null} to configure it from the options. */
  private final OpenTelemetry openTelemetry;
  /** Set by {@link #start}, closed by {@link #stop}. */
  private Tracing tracing = Tracing.OFF;
  /** Set once by {@link #start}; read from other threads by {@link #ready}. */
  private volatile ProducerRuntime runtime;

  /** The production verticle, on the system clock. */
  public ProducerVerticle() {
    this(Clock.SYSTEM);
  }

  /** A verticle on the given clock. */
  public ProducerVerticle(Clock clock) {
    this(clock, null);
  }

  /**
   * A verticle on the given clock tracing through {@code openTelemetry}, which the caller owns and closes (tests
   * pass an SDK with an in-memory exporter); {@code null} configures tracing from the options and
   * {@code OTEL_*} variables (docs/operations.md#tracing).
   */
  public ProducerVerticle(Clock clock, OpenTelemetry openTelemetry) {
    this.clock = clock;
    this.openTelemetry = openTelemetry;
  }

  @Override
  public Future<?> start() {
    ConfigLoader loader;
    try {
      loader = ConfigLoader.create(vertx, config(), ProducerOptions.definition());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return loader.load()
        .map(ProducerOptions::from)
        .onFailure(err -> loader.close())
        .compose(options -> {
          tracing = openTelemetry != null ? Tracing.using(openTelemetry)
              : Tracing.open(options.tracing(), "ackcoord-a", System.getenv());
          return ProducerRuntime.start(vertx, loader, options, clock, tracing)
              .onFailure(err -> tracing.close(vertx));
        })
        .onSuccess(r -> runtime = r);
  }

  @Override
  public Future<?> stop() {
    ProducerRuntime r = runtime;
    if (r == null) {
      return Future.succeededFuture();
    }
    ProducerOptions options = r.options();
    // Spans of the last moments are exported once A's parts are closed.
    return r.close(Deadline.in(clock, options.shutdownTimeoutMillis())).eventually(() -> tracing.close(vertx))
        .onComplete(ar -> {
          int pending = r.pendingCount();
          LOG.info("Producer A '{}' stopped{}", options.producerId(), pending < 0 ? ""
              : ": " + pending + " message(s) left pending in the ledger for the next start");
        });
  }

  /** The bound HTTP port (useful with {@code http.port} 0), or -1 when HTTP is off or A is not started. */
  public int httpPort() {
    ProducerRuntime r = runtime;
    return r == null ? -1 : r.httpPort();
  }

  /**
   * Every route of A's HTTP router (complete once A is connected), or none when HTTP is off or A is not started:
   * lets a test hold each route to the rules every route must follow, including routes added later.
   */
  public List<Route> httpRoutes() {
    ProducerRuntime r = runtime;
    return r == null ? List.of() : r.routes();
  }

  /** Whether A is connected to Kafka and taking messages; safe to call from any thread. */
  public boolean ready() {
    ProducerRuntime r = runtime;
    return r != null && r.ready();
  }
}

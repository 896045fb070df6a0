package io.ackcoord.producer;

import io.ackcoord.config.ConfigLoader;
import io.ackcoord.http.BrowserGuard;
import io.ackcoord.http.HealthProbes;
import io.ackcoord.http.HttpAuth;
import io.ackcoord.http.HttpServers;
import io.ackcoord.producer.api.EventBusApi;
import io.ackcoord.producer.coordinator.HeapGuard;
import io.ackcoord.producer.status.StatusPage;
import io.ackcoord.time.Clock;
import io.ackcoord.time.Deadline;
import io.ackcoord.tracing.Tracing;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running A, built in one place by {@link #start}: the doors (event bus, HTTP with its gate), the
 * {@link KafkaLink} behind them, and the config file watch. Every part is a final field; {@link #close} closes them
 * in reverse order within a {@link Deadline}.
 *
 * <p>Start-up order: HTTP and the event bus, then Kafka. If Kafka cannot be reached, A stays up, says so on
 * {@code /health}, answers 503 to submissions, and retries with backoff (see {@link KafkaLink}).
 */
final class ProducerRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(ProducerRuntime.class);

  private final Context context;
  private final ConfigLoader loader;
  private final HeapGuard heapGuard;
  private final KafkaLink link;
  private final MessageConsumer<Object> eventBus;
  /** {@code null} with HTTP off. */
  private final HttpServer server;

  private ProducerRuntime(Context context, ConfigLoader loader, HeapGuard heapGuard, KafkaLink link,
      MessageConsumer<Object> eventBus, HttpServer server) {
    this.context = context;
    this.loader = loader;
    this.heapGuard = heapGuard;
    this.link = link;
    this.eventBus = eventBus;
    this.server = server;
  }

  /**
   * Starts A: the event bus, HTTP, then the first attempt to connect to Kafka; then it follows config changes.
   * Fails only on what no retry can fix (a port in use, a configuration error), after closing what it opened.
   *
   * @param loader the loader {@code options} came from; the runtime owns it from now on and closes it
   * @param tracing  what A's messages are traced with; the verticle closes it
   */
  static Future<ProducerRuntime> start(Vertx vertx, ConfigLoader loader, ProducerOptions options, Clock clock,
      Tracing tracing) {
    Context context = vertx.getOrCreateContext();
    HeapGuard heapGuard = HeapGuard.forThisJvm(options.heapLimit());
    Router router = options.http().enabled() ? Router.router(vertx) : null;
    KafkaLink link = new KafkaLink(vertx, clock, options, heapGuard, router, tracing);
    Future<MessageConsumer<Object>> bus = new EventBusApi(link::coordinator, link::timeoutRule)
        .register(vertx, options.eventBusAddress());
    return bus
        .compose(eventBus -> listen(vertx, options, router, link, clock)
            .map(server -> new ProducerRuntime(context, loader, heapGuard, link, eventBus, server))
            .onFailure(err -> eventBus.unregister()))
        .onFailure(err -> {
          heapGuard.close();
          loader.close();
        })
        .compose(runtime -> link.connect(runtime.httpPort())
            .onSuccess(v -> loader.onChange(config -> link.reload(config, String.valueOf(loader.watchedFile()))))
            .recover(err -> runtime.close(Deadline.in(clock, options.shutdownTimeoutMillis()))
                .transform(ignored -> Future.failedFuture(err)))
            .map(runtime));
  }

  private static Future<HttpServer> listen(Vertx vertx, ProducerOptions options, Router router, KafkaLink link,
      Clock clock) {
    if (router == null) {
      return Future.succeededFuture();
    }
    // The guard first: a request a browser could have been tricked into sending gets no further (issue 13). Then
    // authentication, and the status page's login, which work whether Kafka is up or not.
    router.route().handler(BrowserGuard.create(options.http()));
    HttpAuth auth = HttpAuth.create(options.http(), clock).withLoginPage(StatusPage.LOGIN_PAGE, StatusPage.LOGIN_ASSETS);
    router.route().handler(auth);
    auth.mountLogin(router);
    // The probes answer before the gate, which would answer for them while A is not connected.
    HealthProbes.mount(router, link::readiness);
    router.route().handler(link::gate);
    return HttpServers.listen(vertx, options.http(), router)
        .onSuccess(s -> LOG.info("Producer A HTTP on {}://{}:{}{}", options.http().tls().enabled() ? "https" : "http",
            options.http().host(), s.actualPort(), options.http().tokensRequired() ? " (token required)" : ""));
  }

  /** The bound HTTP port, or -1 when HTTP is off. */
  int httpPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** Every route of A's HTTP router; see {@link KafkaLink#routes}. */
  List<Route> routes() {
    return link.routes();
  }

  /** Whether A is connected to Kafka and taking messages; safe from any thread. */
  boolean ready() {
    return link.connected();
  }

  /** Messages left pending, or -1 if A never connected. */
  int pendingCount() {
    return link.pendingCount();
  }

  ProducerOptions options() {
    return link.options();
  }

  /**
   * Closes A within {@code deadline}, in reverse order of opening, after it stops following the config file: the
   * Kafka link (which stops taking messages, lets durable writes finish, then closes its clients), then the doors,
   * then the heap guard.
   */
  Future<Void> close(Deadline deadline) {
    loader.close();
    return link.close(deadline).transform(ignored -> {
      Future<Void> httpClosed = server == null ? Future.succeededFuture() : server.close();
      return Pipeline.bounded(context, Future.join(httpClosed, eventBus.unregister()), deadline);
    }).onComplete(ar -> heapGuard.close());
  }
}

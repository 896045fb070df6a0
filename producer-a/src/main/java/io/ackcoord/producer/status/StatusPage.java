package io.ackcoord.producer.status;

import io.ackcoord.http.HttpAuth;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A's read-only surfaces: the status page and the API behind it. Nothing here changes state; submitting stays on
 * {@code POST /api/messages} ({@link io.ackcoord.producer.api.HttpApi}).
 *
 * <ul>
 *   <li>{@code GET /}: the page (HTML, JS and CSS from this jar; Chart.js from its Maven Central webjar under
 *       {@code /webjars/}, so the page works with no internet);</li>
 *   <li>{@code GET /api/status}, {@code GET /api/messages?state=&limit=&cursor=}, {@code GET /api/messages/{id}};</li>
 *   <li>{@code GET /api/events}: the page's Server-Sent Events feed ({@link EventStream});</li>
 *   <li>{@code GET /metrics}: Prometheus text ({@link AckMetrics});</li>
 *   <li>{@code GET /health}: checks {@code kafka} (the cluster answers a describe) and {@code replies} (A's reply
 *       partition is assigned); 200 UP or 503 DOWN with the checks as JSON. With {@code http.auth.token} set, a
 *       request without a token gets only {@code {"status":"UP"}} or {@code DOWN}: a liveness probe needs no
 *       more, and the checks name the cluster;</li>
 *   <li>{@code GET /sign-in/}: with {@code http.auth.token} set, where a browser without a session is sent to
 *       log in ({@link HttpAuth}).</li>
 * </ul>
 */
public final class StatusPage {

  /** Longest a health check may take before it counts as DOWN. */
  public static final long HEALTH_TIMEOUT_MS = 3000;
  /** The login form, served without a token. */
  public static final String LOGIN_PAGE = "/sign-in/";
  /** What the login form loads, served without a token too. */
  public static final Set<String> LOGIN_ASSETS = Set.of("/assets/login.js", "/assets/style.css");

  // The page loads only what A serves: no inline script, nothing from another origin.
  private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private final StatusService status;
  private final MessagePages pages;
  private final EventStream events;
  private final AckMetrics metrics;
  private final MessageTracker tracker;
  private final Clock clock;
  private final KafkaAdminClient admin;
  private final Supplier<Future<Boolean>> repliesAssigned;

  public StatusPage(StatusService status, MessageTracker tracker, EventStream events, AckMetrics metrics,
      KafkaAdminClient admin, Supplier<Future<Boolean>> repliesAssigned, Clock clock) {
    this.status = status;
    this.tracker = tracker;
    this.pages = new MessagePages(tracker, clock);
    this.events = events;
    this.metrics = metrics;
    this.admin = admin;
    this.repliesAssigned = repliesAssigned;
    this.clock = clock;
  }

  /** Adds the page's routes to {@code router}. */
  public void mount(Vertx vertx, Router router) {
    // The page and the login form, each an index.html its StaticHandler serves for the directory.
    for (String[] page : new String[][] {{"/", "ackcoord-web"}, {LOGIN_PAGE + "*", "ackcoord-web/sign-in"}}) {
      router.get(page[0]).handler(ctx -> {
        // The page's own policy; BrowserGuard, ahead of every route, sets the other security headers.
        ctx.response().putHeader("Content-Security-Policy", CSP).putHeader("Cache-Control", "no-cache");
        ctx.next();
      });
      router.get(page[0]).handler(StaticHandler.create(page[1]).setCachingEnabled(false));
    }
    router.get("/assets/*").handler(StaticHandler.create("ackcoord-web/assets").setCachingEnabled(false));
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));

    router.get("/api/status").handler(ctx -> json(ctx, 200, status.status()));
    router.get("/api/messages").handler(this::list);
    router.get("/api/messages/:id").handler(this::message);
    router.get("/api/events").handler(events::handle);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(metrics.registry()));
    HealthChecks checks = healthChecks(vertx);
    HealthCheckHandler detailed = HealthCheckHandler.createWithHealthChecks(checks);
    router.get("/health").handler(ctx -> {
      if (HttpAuth.authenticated(ctx)) {
        detailed.handle(ctx);
      } else {
        checks.checkStatus().onComplete(ar -> {
          boolean up = ar.succeeded() && CheckResult.isUp(ar.result());
          json(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN"));
        });
      }
    });
  }

  private HealthChecks healthChecks(Vertx vertx) {
    return HealthChecks.create(vertx)
        .register("kafka", HEALTH_TIMEOUT_MS, promise -> admin.describeCluster()
            .onSuccess(c -> promise.complete(Status.OK(new JsonObject().put("clusterId", c.getClusterId())
                .put("brokers", c.getNodes().size()))))
            .onFailure(err -> promise.complete(Status.KO(new JsonObject().put("error", String.valueOf(
                err.getMessage()))))))
        .register("replies", HEALTH_TIMEOUT_MS, promise -> repliesAssigned.get()
            .onSuccess(ok -> promise.complete(ok ? Status.OK() : Status.KO(new JsonObject().put("error",
                "reply partition not assigned"))))
            .onFailure(err -> promise.complete(Status.KO(new JsonObject().put("error", String.valueOf(
                err.getMessage()))))));
  }

  private void list(RoutingContext ctx) {
    try {
      json(ctx, 200, pages.page(ctx.queryParams()));
    } catch (MessagePages.BadQuery e) {
      json(ctx, 400, new JsonObject().put("error", e.getMessage()));
    }
  }

  private void message(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    tracker.find(id).ifPresentOrElse(
        m -> json(ctx, 200, MessageJson.of(m, tracker.notes(id), clock, status::traceLink)),
        () -> json(ctx, 404, new JsonObject().put("error", "no message with id '" + id + "' (unknown, or "
            + "finished long enough ago to be forgotten; see history.max)")));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}

package io.ackcoord.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The orchestrator probes of A and B, named as SmallRye Health and Spring Boot Actuator name them:
 * <ul>
 *   <li>{@code GET /health/live}: 200 {@code {"status":"UP"}} whenever the verticle's event loop answers. It checks
 *       nothing else on purpose: a liveness probe that fails restarts the process, and no restart fixes a broker
 *       that is down.</li>
 *   <li>{@code GET /health/ready}: 200 {@code UP} once the verticle would do its work (A: take submissions; B:
 *       process records), else 503 {@code DOWN}; the body lists each check as {@code {"id", "status"}}, and to an
 *       authenticated request also why a check is down.</li>
 * </ul>
 * Both are public paths of {@link HttpAuth} (probes seldom carry credentials), so neither says more than UP or
 * DOWN to a caller without a token: a reason may name the cluster. {@code /health} stays as it was.
 */
public final class HealthProbes {

  /** The liveness probe. */
  public static final String LIVE_PATH = "/health/live";
  /** The readiness probe. */
  public static final String READY_PATH = "/health/ready";
  /** Longest a readiness check may take before it counts as down. */
  public static final long CHECK_TIMEOUT_MS = 3_000;

  private HealthProbes() {
  }

  /**
   * One readiness check's outcome.
   *
   * @param id     a stable name, e.g. {@code kafka}
   * @param up     whether it passes
   * @param reason why it does not; shown to authenticated requests only
   */
  public record Check(String id, boolean up, String reason) {

    /** A passing check. */
    public static Check up(String id) {
      return new Check(id, true, null);
    }

    /** A failing check, with why. */
    public static Check down(String id, String reason) {
      return new Check(id, false, reason);
    }
  }

  /**
   * Adds both probes to {@code router}, after {@link BrowserGuard} and {@link HttpAuth} and before any handler that
   * answers for routes of its own (A's Kafka gate), so they answer while the verticle is not ready.
   *
   * @param readiness the checks, evaluated on each request on the verticle's event loop
   */
  public static void mount(Router router, Supplier<Future<List<Check>>> readiness) {
    router.get(LIVE_PATH).handler(ctx -> respond(ctx, new JsonObject().put("status", "UP")));
    router.get(READY_PATH).handler(ctx -> bounded(readiness).onComplete(ar -> {
      List<Check> checks = ar.succeeded() ? ar.result()
          : List.of(Check.down("checks", "not answered within " + CHECK_TIMEOUT_MS + " ms: " + ar.cause()));
      respond(ctx, body(checks, HttpAuth.authenticated(ctx)));
    }));
  }

  /** The readiness body: UP only when every check is. */
  static JsonObject body(List<Check> checks, boolean withReasons) {
    JsonArray list = new JsonArray();
    boolean up = true;
    for (Check c : checks) {
      up &= c.up();
      JsonObject json = new JsonObject().put("id", c.id()).put("status", c.up() ? "UP" : "DOWN");
      if (!c.up() && withReasons && c.reason() != null) {
        json.put("reason", c.reason());
      }
      list.add(json);
    }
    return new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", list);
  }

  private static Future<List<Check>> bounded(Supplier<Future<List<Check>>> readiness) {
    try {
      return readiness.get().timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static void respond(RoutingContext ctx, JsonObject body) {
    int status = "UP".equals(body.getString("status")) ? 200 : 503;
    // A probe's answer is about this moment: no cache may keep it.
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store").end(body.encode());
  }
}

package io.ackcoord.consumer.status;

import io.ackcoord.config.HttpSettings;
import io.ackcoord.http.BrowserGuard;
import io.ackcoord.http.HealthProbes;
import io.ackcoord.http.HttpAuth;
import io.ackcoord.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * B's HTTP API: {@code GET /health} (200 {@code {"status":"UP"}} or 503 {@code {"status":"DOWN"}}, for probes), the
 * orchestrator probes {@code GET /health/live} and {@code GET /health/ready} ({@link HealthProbes}), and
 * {@code GET /api/status} (counters and assignment, for people and tests).
 */
public final class StatusRoutes {

  private StatusRoutes() {
  }

  /**
   * B's router: {@link BrowserGuard} first, then {@link HttpAuth} (with {@code http.auth.token} set, everything
   * but {@code /health} needs a token), then the two routes.
   *
   * @param healthy   whether B is subscribed, owns partitions and takes records
   * @param readiness the checks of {@code /health/ready}, on B's event loop
   * @param status    the figures {@code /api/status} answers with
   */
  public static Router create(Vertx vertx, HttpSettings http, Clock clock, BooleanSupplier healthy,
      Supplier<List<HealthProbes.Check>> readiness, Supplier<JsonObject> status) {
    Router router = Router.router(vertx);
    router.route().handler(BrowserGuard.create(http));
    router.route().handler(HttpAuth.create(http, clock));
    HealthProbes.mount(router, () -> Future.succeededFuture(readiness.get()));
    router.get("/health").handler(ctx -> {
      boolean up = healthy.getAsBoolean();
      ctx.response().setStatusCode(up ? 200 : 503).putHeader("content-type", "application/json")
          .end(new JsonObject().put("status", up ? "UP" : "DOWN").encode());
    });
    router.get("/api/status").handler(ctx -> ctx.json(status.get()));
    return router;
  }
}

package io.ackcoord.producer.api;

import io.ackcoord.http.HttpAuth;
import io.ackcoord.producer.coordinator.Coordinator;
import io.ackcoord.producer.coordinator.Coordinator.RejectedException;
import io.ackcoord.producer.coordinator.DeadLetterFilter;
import io.ackcoord.producer.ids.MessageIds;
import io.ackcoord.producer.tracker.MessageTracker.CancelResult;
import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.protocol.SafeText;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator does to messages over HTTP: cancel a pending one, redrive dead letters. Both change state, so
 * they sit behind the same doors as submissions: {@code BrowserGuard} refuses them from another site or in a form a
 * page could send cross-site (they need a JSON body or an {@code X-Ackcoord-*} header), {@code HttpAuth} asks for
 * the token or the status page's session. Each is logged at INFO by {@code io.ackcoord.producer.api.Audit}: who
 * (the credential, never its value, and the client's address), what, which ids, and the result; and each shows in
 * the message's history ({@code GET /api/messages/{id}}, {@code "notes"}).
 *
 * <ul>
 *   <li>{@code DELETE /api/messages/{id}}, optional reason as JSON {@code {"reason": …}}, {@code ?reason=} or
 *       {@code X-Ackcoord-Reason}: 200 once the cancel's dead letter is durable, 202 while it is still being written,
 *       404 unknown id, 409 already final or not yet accepted, 503 A not connected;</li>
 *   <li>{@code POST /api/dead-letters/{id}/redrive}: 202 redriven, 404 no dead letter of the id, 409 pending now, 422
 *       no payload or not a valid message, 503 not taken now or the dead-letter topic not readable;</li>
 *   <li>{@code POST /api/dead-letters/redrive}, JSON {@code {"from", "to", "reasonContains", "producer", "limit",
 *       "cursor"}}: 200 with a result per id (see {@link Redriver}), 400 bad filter, 503 another bulk redrive runs.</li>
 * </ul>
 * A client may name the person behind it in {@code X-Ackcoord-Actor} (as {@code bin/redrive} does with
 * {@code $USER}); the audit line and the history show it next to the credential, as a claim.
 */
public final class OperatorApi {

  private static final Logger AUDIT = LoggerFactory.getLogger("io.ackcoord.producer.api.Audit");
  static final String ACTOR_HEADER = "X-Ackcoord-Actor";
  static final String REASON_HEADER = "X-Ackcoord-Reason";
  static final int MAX_BODY_BYTES = 4096;
  static final int MAX_REASON_CHARS = 500;
  /** How long a cancel waits for its dead letter to be durable before it answers 202. */
  static final long CANCEL_WAIT_MS = 10_000;

  private final Coordinator coordinator;
  private final Redriver redriver;

  public OperatorApi(Coordinator coordinator, Redriver redriver) {
    this.coordinator = coordinator;
    this.redriver = redriver;
  }

  /** Adds the three routes to {@code router}. */
  public void mount(Vertx vertx, Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    router.delete("/api/messages/:id").handler(body).handler(ctx -> cancel(vertx, ctx));
    router.post("/api/dead-letters/redrive").handler(body).handler(this::redriveBulk);
    router.post("/api/dead-letters/:id/redrive").handler(body).handler(this::redriveOne);
  }

  /** Who sent the request, for the audit line and the history: the credential, the address, a claimed name. */
  static String who(RoutingContext ctx) {
    String actor = ctx.request().getHeader(ACTOR_HEADER);
    String principal = HttpAuth.principal(ctx);
    if (actor == null || actor.isBlank()) {
      return principal;
    }
    return "'" + SafeText.clean(actor.trim(), 64) + "' (" + principal + ")";
  }

  private void cancel(Vertx vertx, RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!MessageIds.isValid(id)) {
      error(ctx, 400, "invalid message id '" + SafeText.clean(id, 210) + "': must be " + MessageIds.RULE);
      return;
    }
    String why;
    try {
      why = reason(ctx);
    } catch (IllegalArgumentException e) {
      error(ctx, 400, e.getMessage());
      return;
    }
    String who = who(ctx);
    CancelResult result;
    try {
      result = coordinator.cancel(id, "cancelled by " + who + ": " + why);
    } catch (RejectedException e) {
      audit("cancel", who, id, "refused: " + e.getMessage());
      ctx.response().putHeader("Retry-After", "1");
      error(ctx, 503, e.getMessage());
      return;
    }
    switch (result.outcome()) {
      case UNKNOWN -> {
        audit("cancel", who, id, "unknown id");
        error(ctx, 404, "no message with id '" + id + "' (unknown, or finished long enough ago to be forgotten)");
      }
      case FINAL -> {
        audit("cancel", who, id, "refused: already " + result.message().state());
        error(ctx, 409, "message '" + id + "' is final already (" + result.message().state() + ")");
      }
      case NOT_ACCEPTED -> {
        audit("cancel", who, id, "refused: not accepted yet");
        error(ctx, 409, "message '" + id + "' is not accepted yet (its first write is under way); try again");
      }
      case CANCELLED -> {
        TrackedMessage m = result.message();
        audit("cancel", who, id, "cancelled after " + m.attempt() + " attempt(s) (" + why + ")");
        // The cancel is durable once its dead letter is: wait for that, a while.
        Future<TrackedMessage> durable = coordinator.completion(id);
        long timer = vertx.setTimer(CANCEL_WAIT_MS, t -> {
          if (!ctx.response().ended()) {
            json(ctx, 202, cancelled(m, false));
          }
        });
        durable.onComplete(ar -> {
          vertx.cancelTimer(timer);
          if (!ctx.response().ended()) {
            json(ctx, ar.succeeded() ? 200 : 202, cancelled(m, ar.succeeded()));
          }
        });
      }
    }
  }

  private static JsonObject cancelled(TrackedMessage m, boolean durable) {
    return new JsonObject().put("id", m.id()).put("state", m.state().name()).put("attempts", m.attempt())
        .put("reason", m.reason()).put("deadLetter", durable ? "written" : "being written");
  }

  private void redriveOne(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!MessageIds.isValid(id)) {
      error(ctx, 400, "invalid message id '" + SafeText.clean(id, 210) + "': must be " + MessageIds.RULE);
      return;
    }
    String who = who(ctx);
    redriver.one(id, who).onComplete(ar -> {
      if (ar.failed()) {
        audit("redrive", who, id, "failed: " + readFailure(ar.cause()));
        ctx.response().putHeader("Retry-After", "5");
        error(ctx, 503, "could not read the dead-letter topic: " + readFailure(ar.cause()));
        return;
      }
      Redriver.Outcome outcome = ar.result();
      audit("redrive", who, id, outcome.result().word() + (outcome.detail() == null ? "" : ": " + outcome.detail()));
      int status = switch (outcome.result()) {
        case REDRIVEN -> 202;
        case PENDING -> 409;
        case NOT_FOUND -> 404;
        case NO_PAYLOAD, INVALID -> 422;
        case REFUSED, DEFERRED -> 503;
      };
      if (status == 503) {
        ctx.response().putHeader("Retry-After", "1");
      }
      json(ctx, status, outcome.toJson());
    });
  }

  private void redriveBulk(RoutingContext ctx) {
    JsonObject body;
    DeadLetterFilter filter;
    int limit;
    String cursor;
    try {
      body = ctx.body().length() == 0 ? new JsonObject() : ctx.body().asJsonObject();
      if (body == null) {
        body = new JsonObject();
      }
      filter = new DeadLetterFilter(time(body, "from"), time(body, "to"),
          text(body, "reasonContains", 200), text(body, "producer", 200));
      limit = limit(body.getValue("limit"));
      cursor = text(body, "cursor", 4000);
    } catch (DecodeException | ClassCastException e) {
      error(ctx, 400, "body must be a JSON object {\"from\", \"to\", \"reasonContains\", \"producer\", \"limit\", "
          + "\"cursor\"}, each optional");
      return;
    } catch (IllegalArgumentException e) {
      error(ctx, 400, e.getMessage());
      return;
    }
    String who = who(ctx);
    String what = describe(filter, limit, cursor);
    redriver.bulk(filter, cursor, limit, who).onComplete(ar -> {
      if (ar.failed()) {
        Throwable err = ar.cause();
        if (err instanceof IllegalArgumentException) {
          audit("bulk redrive", who, what, "refused: " + err.getMessage());
          error(ctx, 400, err.getMessage());
          return;
        }
        audit("bulk redrive", who, what, "failed: " + readFailure(err));
        ctx.response().putHeader("Retry-After", "5");
        error(ctx, 503, err instanceof Redriver.BusyException ? err.getMessage()
            : "could not read the dead-letter topic: " + readFailure(err));
        return;
      }
      Redriver.Bulk bulk = ar.result();
      JsonArray results = new JsonArray();
      int redriven = 0;
      StringBuilder ids = new StringBuilder();
      for (Redriver.Outcome o : bulk.outcomes()) {
        results.add(o.toJson());
        redriven += o.result() == Redriver.Result.REDRIVEN ? 1 : 0;
        if (ids.length() < 500) {
          ids.append(ids.isEmpty() ? "" : ",").append(o.id()).append('=').append(o.result().word());
        }
      }
      audit("bulk redrive", who, what, bulk.outcomes().size() + " matched, " + redriven + " redriven, "
          + bulk.scanned() + " record(s) read" + (bulk.cursor() == null ? "" : ", more left") + " [" + ids
          + (ids.length() >= 500 ? "…" : "") + "]");
      json(ctx, 200, new JsonObject().put("matched", bulk.outcomes().size()).put("redriven", redriven)
          .put("scanned", bulk.scanned()).put("more", bulk.cursor() != null).put("cursor", bulk.cursor())
          .put("results", results));
    });
  }

  private static String describe(DeadLetterFilter f, int limit, String cursor) {
    StringBuilder s = new StringBuilder("filter");
    if (f.fromMillis() != null) {
      s.append(" from=").append(Instant.ofEpochMilli(f.fromMillis()));
    }
    if (f.toMillis() != null) {
      s.append(" to=").append(Instant.ofEpochMilli(f.toMillis()));
    }
    if (f.reasonContains() != null) {
      s.append(" reasonContains='").append(f.reasonContains()).append('\'');
    }
    if (f.producer() != null) {
      s.append(" producer='").append(f.producer()).append('\'');
    }
    return s.append(" limit=").append(limit).append(cursor == null ? "" : " cursor=" + cursor).toString();
  }

  // The reason of a cancel, from the JSON body, the query or a header; bounded and cleaned, never required.
  private static String reason(RoutingContext ctx) {
    String raw = null;
    if (ctx.body() != null && ctx.body().length() > 0) {
      try {
        JsonObject json = ctx.body().asJsonObject();
        raw = json == null ? null : json.getString("reason");
      } catch (DecodeException | ClassCastException e) {
        throw new IllegalArgumentException("body must be a JSON object {\"reason\": \"…\"}");
      }
    }
    if (raw == null) {
      raw = ctx.queryParams().get("reason");
    }
    if (raw == null) {
      raw = ctx.request().getHeader(REASON_HEADER);
    }
    return raw == null || raw.isBlank() ? "no reason given" : SafeText.clean(raw.trim(), MAX_REASON_CHARS);
  }

  /** A time bound: epoch millis, or an ISO-8601 instant ({@code 2026-12-03T07:00:00Z}); {@code null} if absent. */
  static Long time(JsonObject body, String key) {
    Object v = body.getValue(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() >= 0) {
      return n.longValue();
    }
    if (v instanceof String s) {
      try {
        return Instant.parse(s.trim()).toEpochMilli();
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException("invalid " + key + " '" + SafeText.clean(String.valueOf(v), 40)
        + "': must be epoch millis or an ISO-8601 instant such as 2026-12-03T07:00:00Z");
  }

  private static String text(JsonObject body, String key, int max) {
    Object v = body.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.length() > max) {
      throw new IllegalArgumentException("invalid " + key + ": must be a string of at most " + max + " characters");
    }
    return s;
  }

  static int limit(Object raw) {
    if (raw == null) {
      return Redriver.DEFAULT_LIMIT;
    }
    if (raw instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() >= 1
        && n.longValue() <= Redriver.MAX_LIMIT) {
      return n.intValue();
    }
    throw new IllegalArgumentException("invalid limit '" + SafeText.clean(String.valueOf(raw), 20)
        + "': must be a whole number in [1, " + Redriver.MAX_LIMIT + "]");
  }

  private static String readFailure(Throwable err) {
    return err instanceof TimeoutException ? err.getMessage() : SafeText.clean(String.valueOf(err.getMessage()), 300);
  }

  private static void audit(String action, String who, String what, String result) {
    AUDIT.info("{} of {} by {}: {}", action, SafeText.forLog(what), SafeText.forLog(who), SafeText.forLog(result));
  }

  private static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}

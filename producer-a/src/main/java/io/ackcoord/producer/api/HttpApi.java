package io.ackcoord.producer.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.ackcoord.http.ContentTypes;
import io.ackcoord.producer.coordinator.Coordinator;
import io.ackcoord.producer.coordinator.Coordinator.RejectedException;
import io.ackcoord.producer.ids.MessageIds;
import io.ackcoord.protocol.SafeText;
import io.ackcoord.tracing.TraceRoot;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A's HTTP write: {@code POST /api/messages} and its batch form {@code POST /api/messages/batch} (see
 * {@link BatchRequest}), the only requests that change state. The reads (the status page, its
 * API, metrics, health) are {@link io.ackcoord.producer.status.StatusPage}'s.
 *
 * <p>The body is the payload (any content type; JSON is checked to be JSON). Optional {@code X-Ackcoord-Id} (or
 * {@code ?id=}) makes the submission idempotent downstream, and {@code X-Ackcoord-Timeout-Ms} (or
 * {@code ?timeoutMs=}) gives this message its own first-attempt timeout. {@code 202 {"id":…}} once the record is
 * durably in topic 1; {@code 400} bad input, {@code 409} id already pending, {@code 413} too large, {@code 503} when
 * A cannot make it durable now (nothing was accepted).
 */
public final class HttpApi {

  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  /** Batch bytes parsed at once (two of the largest batches); more get 503 and Retry-After. */
  static final long MAX_PARSING_BYTES = 2L * BatchRequest.MAX_BODY_BYTES;

  static final String ID_HEADER = "X-Ackcoord-Id";
  static final String TIMEOUT_HEADER = "X-Ackcoord-Timeout-Ms";

  private static final JsonFactory JSON = new JsonFactory();
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  private static final byte[] ACCEPTED_START = "{\"id\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ACCEPTED_END = "\"}".getBytes(StandardCharsets.US_ASCII);

  private final Coordinator coordinator;
  private final int maxBytes;
  private final TimeoutRule timeouts;
  /** Bytes of batches on a worker now; only touched on A's event loop. */
  private long bytesParsing;

  public HttpApi(Coordinator coordinator, int maxBytes, TimeoutRule timeouts) {
    this.coordinator = coordinator;
    this.maxBytes = maxBytes;
    this.timeouts = timeouts;
  }

  /** Adds {@code POST /api/messages}, and the JSON error answer of every route, to {@code router}. */
  public void mount(Router router) {
    router.post("/api/messages/batch").handler(BodyHandler.create(false).setBodyLimit(BatchRequest.MAX_BODY_BYTES))
        .handler(this::submitBatch);
    router.post("/api/messages").handler(BodyHandler.create(false).setBodyLimit(maxBytes)).handler(this::submit);
    router.route().failureHandler(this::failure);
    // No route matched: a JSON answer like every other error, not Vert.x's HTML page.
    router.errorHandler(404, ctx -> {
      if (!ctx.response().ended()) {
        error(ctx, 404, "no such resource: " + ctx.request().path());
      }
    });
  }

  private void submit(RoutingContext ctx) {
    String id = firstOf(ctx, ID_HEADER, "id");
    if (id == null) {
      id = UUID.randomUUID().toString();
    } else if (!MessageIds.isValid(id)) {
      error(ctx, 400, "invalid message id '" + SafeText.clean(id, 210) + "': must be " + MessageIds.RULE);
      return;
    }
    long timeout;
    try {
      timeout = timeouts.parse(firstOf(ctx, TIMEOUT_HEADER, "timeoutMs"));
    } catch (IllegalArgumentException e) {
      error(ctx, 400, e.getMessage());
      return;
    }
    Buffer body = ctx.body().buffer();
    byte[] payload = body == null ? new byte[0] : body.getBytes();
    String contentType = ctx.request().getHeader("Content-Type");
    if (isJson(contentType)) {
      try {
        checkJson(payload);
      } catch (DecodeException e) {
        error(ctx, 400, "body is not valid JSON though Content-Type is " + contentType + ": " + e.getMessage());
        return;
      }
    }
    String messageId = id;
    // The caller's trace context, W3C: with tracing on, the message's spans join the caller's trace.
    coordinator.submit(messageId, payload, contentType, timeout, ctx.request().getHeader(TraceRoot.HEADER))
        .onSuccess(m -> accepted(ctx, messageId))
        .onFailure(err -> {
          boolean conflict = err instanceof RejectedException r && r.conflict();
          if (!conflict) {
            ctx.response().putHeader("Retry-After", "1");
          }
          error(ctx, conflict ? 409 : 503, err.getMessage());
        });
  }

  // Every item is submitted at once (the producer batches their records); the answer lists each item's outcome in
  // request order once all are settled, so one slow or refused item never hides the others'.
  // Parsing up to 16 MiB into items takes milliseconds: it runs on a worker, so batches cannot hold A's event loop
  // (and its timers and replies), and at most MAX_PARSING_BYTES of them at once, so they cannot pile up either.
  // Small batches, the common case, are never refused for it.
  private void submitBatch(RoutingContext ctx) {
    Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    int size = body.length();
    if (bytesParsing > 0 && bytesParsing + size > MAX_PARSING_BYTES) {
      ctx.response().putHeader("Retry-After", "1");
      error(ctx, 503, "too many batch bytes being read (over " + MAX_PARSING_BYTES + "); send it again shortly");
      return;
    }
    String contentType = ctx.request().getHeader("Content-Type");
    bytesParsing += size;
    ctx.vertx().executeBlocking(() -> BatchRequest.parse(body, contentType, maxBytes, timeouts), false)
        .onComplete(ar -> {
          bytesParsing -= size;
          if (ar.succeeded()) {
            submitItems(ctx, ar.result());
          } else if (ar.cause() instanceof BatchRequest.BadBatch e) {
            error(ctx, 400, e.getMessage());
          } else {
            ctx.fail(ar.cause());
          }
        });
  }

  private void submitItems(RoutingContext ctx, List<BatchRequest.Item> items) {
    List<Future<JsonObject>> results = new ArrayList<>(items.size());
    String traceparent = ctx.request().getHeader(TraceRoot.HEADER);
    for (BatchRequest.Item item : items) {
      JsonObject result = new JsonObject().put("id", item.id());
      if (!item.valid()) {
        results.add(Future.succeededFuture(result.put("status", item.status()).put("error", item.error())));
        continue;
      }
      results.add(coordinator.submit(item.id(), item.payload(), "application/json", item.timeoutMillis(), traceparent)
          .map(m -> result.put("status", 202))
          .otherwise(err -> result.put("status", err instanceof RejectedException r && r.conflict() ? 409 : 503)
              .put("error", err.getMessage())));
    }
    Future.join(results).onComplete(ar -> {
      JsonArray out = new JsonArray();
      int accepted = 0;
      for (Future<JsonObject> f : results) {
        JsonObject r = f.result();
        accepted += r.getInteger("status") == 202 ? 1 : 0;
        out.add(r);
      }
      json(ctx, 200, new JsonObject().put("accepted", accepted).put("failed", items.size() - accepted)
          .put("results", out));
    });
  }

  private void failure(RoutingContext ctx) {
    int code = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    String message = switch (code) {
      case 413 -> ctx.request().path().endsWith("/batch")
          ? "batch body larger than " + BatchRequest.MAX_BODY_BYTES + " bytes"
          : "payload larger than message.max.bytes (" + maxBytes + " bytes)";
      case 404 -> "no such resource: " + ctx.request().path();
      // An exception's text may name internals (classes, hosts, files): it goes to the log, not to the caller.
      default -> code >= 500 ? "internal error; see A's log"
          : ctx.failure() != null ? SafeText.clean(String.valueOf(ctx.failure().getMessage()), 200) : "request failed";
    };
    if (code >= 500 && ctx.failure() != null) {
      LOG.warn("{} {} failed", ctx.request().method(), SafeText.clean(ctx.request().path(), 200), ctx.failure());
    }
    if (!ctx.response().ended()) {
      error(ctx, code, message);
    }
  }

  /**
   * Fails with {@link DecodeException} unless {@code body} is exactly one JSON value. Streams through the tokens
   * without building the document: the payload is passed on as bytes, so a tree would be garbage at once.
   */
  public static void checkJson(byte[] bytes) {
    try (JsonParser parser = JSON.createParser(bytes)) {
      if (parser.nextToken() == null) {
        throw new DecodeException("no JSON value");
      }
      parser.skipChildren();
      if (parser.nextToken() != null) {
        throw new DecodeException("unexpected trailing token");
      }
    } catch (IOException e) {
      throw new DecodeException(e.getMessage(), e);
    }
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = ContentTypes.mediaType(contentType);
    return type.equalsIgnoreCase("application/json")
        || type.regionMatches(true, type.length() - 5, "+json", 0, 5);
  }

  // The header, else the query parameter: the query string is decoded only when the header is missing, which API
  // clients rarely leave it.
  private static String firstOf(RoutingContext ctx, String header, String param) {
    String a = ctx.request().getHeader(header);
    if (a != null && !a.isBlank()) {
      return a.trim();
    }
    String b = ctx.request().query() == null ? null : ctx.queryParams().get(param);
    return b != null && !b.isBlank() ? b.trim() : null;
  }

  // The answer to every accepted single POST, written without a JSON tree: an id that passed MessageIds.isValid
  // needs no escaping.
  private static void accepted(RoutingContext ctx, String id) {
    ctx.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
        .end(Buffer.buffer(id.length() + 10).appendBytes(ACCEPTED_START).appendString(id).appendBytes(ACCEPTED_END));
  }

  private static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(body.encode());
  }
}

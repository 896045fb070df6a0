package io.ackcoord.producer.status;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/events}: the status page's live feed, as Server-Sent Events. One periodic timer builds one
 * snapshot, encodes it once and writes the same bytes to every open page; nothing happens per message, and the timer
 * runs only while at least one page is open, so a closed page costs nothing.
 *
 * <p>A client that does not keep up (its write queue is full) misses that push rather than making A buffer for it:
 * every push is a full snapshot, so the next one catches it up. Each push is an SSE event {@code status} whose data
 * is the JSON of {@link StatusService#snapshot()}; a new client gets one at once. Runs on A's event loop.
 */
public final class EventStream {

  /** Open streams at which new ones are refused (503): a status page is for people, not for fan-out. */
  static final int MAX_CLIENTS = 100;
  /** Open streams one client address may hold, so that one client cannot take every slot. */
  static final int MAX_PER_ADDRESS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

  private final Vertx vertx;
  private final long intervalMillis;
  private final Supplier<JsonObject> snapshot;
  /** Each open stream and the client address it serves. */
  private final Map<HttpServerResponse, String> clients = new LinkedHashMap<>();
  private final Map<String, Integer> perAddress = new HashMap<>();
  private long timer = -1;
  private long skipped;

  public EventStream(Vertx vertx, long intervalMillis, Supplier<JsonObject> snapshot) {
    this.vertx = vertx;
    this.intervalMillis = intervalMillis;
    this.snapshot = snapshot;
  }

  /** Opens a stream for one client. */
  void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    String address = ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().hostAddress();
    if (clients.size() >= MAX_CLIENTS) {
      refuse(response, "too many open event streams (" + MAX_CLIENTS + ")");
      return;
    }
    if (perAddress.getOrDefault(address, 0) >= MAX_PER_ADDRESS) {
      refuse(response, "too many open event streams from this address (" + MAX_PER_ADDRESS + ")");
      return;
    }
    response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache, no-store")
        .putHeader("X-Accel-Buffering", "no");
    clients.put(response, address);
    perAddress.merge(address, 1, Integer::sum);
    response.closeHandler(v -> remove(response));
    response.exceptionHandler(err -> remove(response));
    // The browser reconnects by itself after this long if the stream breaks (A restarted, network blip).
    response.write("retry: 2000\n\n");
    response.write(frame());
    if (timer < 0) {
      timer = vertx.setPeriodic(intervalMillis, id -> push());
    }
    LOG.debug("Event stream opened ({} open)", clients.size());
  }

  /** Open streams. */
  public int clients() {
    return clients.size();
  }

  /** Ends every stream and the timer (on undeploy). */
  public void close() {
    stopTimer();
    for (HttpServerResponse r : List.copyOf(clients.keySet())) {
      r.end();
    }
    clients.clear();
    perAddress.clear();
  }

  private void push() {
    if (clients.isEmpty()) {
      stopTimer();
      return;
    }
    Buffer frame = frame();
    for (HttpServerResponse r : clients.keySet()) {
      if (r.writeQueueFull()) {
        if (skipped++ % 100 == 0) {
          LOG.debug("A status page is not keeping up; {} push(es) skipped so far", skipped);
        }
      } else {
        r.write(frame);
      }
    }
  }

  private Buffer frame() {
    // Encoded JSON holds no raw line break, so one data line carries it.
    return Buffer.buffer("event: status\ndata: ").appendBuffer(snapshot.get().toBuffer()).appendString("\n\n");
  }

  private static void refuse(HttpServerResponse response, String reason) {
    response.setStatusCode(503).putHeader("Content-Type", "application/json").putHeader("Retry-After", "5")
        .end(new JsonObject().put("error", reason).encode());
  }

  private void remove(HttpServerResponse response) {
    String address = clients.remove(response);
    if (address != null) {
      perAddress.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
      LOG.debug("Event stream closed ({} open)", clients.size());
    }
    if (clients.isEmpty()) {
      stopTimer();
    }
  }

  private void stopTimer() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}

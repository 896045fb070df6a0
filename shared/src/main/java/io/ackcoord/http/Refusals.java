package io.ackcoord.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** How {@link BrowserGuard} and {@link HttpAuth} answer a request they refuse. */
final class Refusals {

  private Refusals() {
  }

  /**
   * Ends the response with {@code status} and {@code body}. A refused request's body is never read: vertx-web
   * paused it, and an HTTP/1.1 connection cannot carry the next request until it ends, so the connection is closed
   * after the answer (rather than reading a body nobody wants, up to whatever size the sender chose).
   */
  static void send(RoutingContext ctx, int status, JsonObject body) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json");
    if (request.isEnded() || request.version() == HttpVersion.HTTP_2) {
      response.end(body.encode());
      return;
    }
    response.putHeader("Connection", "close");
    response.end(body.encode()).onComplete(v -> request.connection().close());
  }
}

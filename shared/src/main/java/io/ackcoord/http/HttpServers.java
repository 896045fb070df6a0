package io.ackcoord.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A's and B's HTTP servers, with the limits a server on an operator's machine needs: connections idle for
 * {@value #IDLE_TIMEOUT_SECONDS} s are closed (a status page stream writes every few seconds, so only dead clients
 * are), and at most {@value #MAX_CONNECTIONS} are open at once, so that one client opening connections cannot
 * exhaust the process's file descriptors (Vert.x knows a connection, and counts it, once its first bytes arrive;
 * before that the idle timeout bounds it).
 */
public final class HttpServers {

  /** Longer than any status page push interval (at most 60 s). */
  static final int IDLE_TIMEOUT_SECONDS = 120;
  static final int MAX_CONNECTIONS = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(HttpServers.class);

  private HttpServers() {
  }

  /** A server, not yet listening; give it a request handler that starts with {@link BrowserGuard}. */
  public static HttpServer create(Vertx vertx) {
    return create(vertx, MAX_CONNECTIONS);
  }

  static HttpServer create(Vertx vertx, int maxConnections) {
    HttpServer server = vertx.createHttpServer(new HttpServerOptions()
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS));
    // Counted across event loops: a server may be served by more than one.
    AtomicInteger open = new AtomicInteger();
    server.connectionHandler(connection -> {
      if (open.incrementAndGet() > maxConnections) {
        open.decrementAndGet();
        LOG.debug("Refusing a connection from {}: {} open", connection.remoteAddress(), maxConnections);
        connection.close();
        return;
      }
      connection.closeHandler(v -> open.decrementAndGet());
    });
    return server;
  }
}

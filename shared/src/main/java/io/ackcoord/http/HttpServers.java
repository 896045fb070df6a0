package io.ackcoord.http;

import io.ackcoord.config.ConfigException;
import io.ackcoord.config.HttpSettings;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
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
 *
 * <p>With {@code http.tls.cert.path} set they speak HTTPS only, and with {@code http.tls.client.ca.path} also
 * require a client certificate (mutual TLS). The PEM files are read once, asynchronously, at start-up; a missing or
 * unreadable one fails the start with an error naming the key and the path.
 */
public final class HttpServers {

  /** Longer than any status page push interval (at most 60 s). */
  static final int IDLE_TIMEOUT_SECONDS = 120;
  static final int MAX_CONNECTIONS = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(HttpServers.class);

  private HttpServers() {
  }

  /**
   * Starts a server as {@code http} says (address, port, TLS) with {@code handler}, which should be a router that
   * starts with {@link BrowserGuard} and {@link HttpAuth}.
   */
  public static Future<HttpServer> listen(Vertx vertx, HttpSettings http, Handler<HttpServerRequest> handler) {
    return options(vertx, http)
        .compose(options -> create(vertx, options, MAX_CONNECTIONS).requestHandler(handler)
            .listen(http.port(), http.host()));
  }

  /** The server's options: the limits, and TLS when configured, with the PEM files read into memory. */
  static Future<HttpServerOptions> options(Vertx vertx, HttpSettings http) {
    HttpServerOptions options = plain();
    HttpSettings.Tls tls = http.tls();
    if (!tls.enabled()) {
      return Future.succeededFuture(options);
    }
    Future<Buffer> cert = read(vertx, HttpSettings.TLS_CERT, tls.certPath());
    Future<Buffer> key = read(vertx, HttpSettings.TLS_KEY, tls.keyPath());
    Future<Buffer> clientCa = tls.mutual() ? read(vertx, HttpSettings.TLS_CLIENT_CA, tls.clientCaPath())
        : Future.succeededFuture();
    return Future.all(cert, key, clientCa).map(all -> {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertValue(cert.result())
          .setKeyValue(key.result()));
      if (tls.mutual()) {
        options.setTrustOptions(new PemTrustOptions().addCertValue(clientCa.result()))
            .setClientAuth(ClientAuth.REQUIRED);
      }
      return options;
    });
  }

  private static Future<Buffer> read(Vertx vertx, String key, String path) {
    return vertx.fileSystem().readFile(path).recover(err -> Future.failedFuture(new ConfigException(key,
        "cannot read " + key + " '" + path + "': " + err.getMessage())));
  }

  static HttpServer create(Vertx vertx, int maxConnections) {
    return create(vertx, plain(), maxConnections);
  }

  private static HttpServerOptions plain() {
    return new HttpServerOptions().setIdleTimeout(IDLE_TIMEOUT_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS);
  }

  private static HttpServer create(Vertx vertx, HttpServerOptions options, int maxConnections) {
    HttpServer server = vertx.createHttpServer(options);
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

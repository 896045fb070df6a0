package io.ackcoord.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for an OpenTelemetry collector: an HTTP server on loopback that takes every OTLP export (reads the body,
 * answers 200) and keeps nothing, so the traced system pays for making, batching, encoding and sending its spans,
 * and not for a collector's work. It runs in the benchmark JVM, whose CPU it adds to.
 */
final class TraceSink implements AutoCloseable {

  private final HttpServer server;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  TraceSink(Vertx vertx) {
    server = AckcoordPipeline.join(vertx.createHttpServer()
        .requestHandler(request -> request.body().onComplete(body -> {
          requests.incrementAndGet();
          bytes.addAndGet(body.succeeded() ? body.result().length() : 0);
          request.response().setStatusCode(200).end();
        }))
        .listen(0, "127.0.0.1").toCompletionStage(), Duration.ofSeconds(30));
  }

  int port() {
    return server.actualPort();
  }

  /** Exports received so far, and their bytes. */
  String received() {
    return String.format("%,d exports, %,d bytes", requests.get(), bytes.get());
  }

  @Override
  public void close() {
    server.close();
  }
}

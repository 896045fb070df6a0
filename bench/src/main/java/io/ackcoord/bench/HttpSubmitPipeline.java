package io.ackcoord.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A's HTTP submit path from this JVM: {@code POST /api/messages} over a pool of keep-alive connections; a message
 * completes with A's {@code 202}, which A sends once the message and its ledger entry are durable (not when it is
 * ACKed). The pending-capacity scenario submits through it: a fixed count, some with a timeout of their own.
 *
 * <p>Not a throughput measurement (wrk is, {@link Wrk}): HTTP/1.1 without pipelining has one request per connection
 * on the wire, so {@link #CONNECTIONS} bound it, and its rate is {@code CONNECTIONS} over the latency of one 202
 * (Little's law), latency that a 2-core machine's other load stretches. Its figure swung 1,383–9,279 msg/s.
 */
final class HttpSubmitPipeline implements Pipeline {

  /**
   * Keep-alive connections. A 202 waits for the broker, and HTTP/1.1 has one request per connection at a time, so
   * the connections bound the requests in flight: with a handful, the figure would be the client's, not A's.
   */
  static final int CONNECTIONS = 64;
  /** A request unanswered this long fails (A may have died under the load). */
  static final long REQUEST_TIMEOUT_MS = 30_000;
  /** Requests handed to the client at once: {@link #CONNECTIONS} of them on the wire, the rest in its queue. */
  static final int IN_FLIGHT = 256;

  private final HttpClient client;
  private final Context caller;
  private final int port;
  private final long timeoutMs;

  HttpSubmitPipeline(Vertx vertx, int port) {
    this(vertx, port, 0);
  }

  /** @param timeoutMs each message's own first-attempt timeout ({@code X-Ackcoord-Timeout-Ms}); 0: A's default */
  HttpSubmitPipeline(Vertx vertx, int port, long timeoutMs) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(CONNECTIONS));
    this.caller = vertx.getOrCreateContext();
    this.port = port;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public String name() {
    return "A HTTP submit";
  }

  @Override
  public CompletionStage<?> submit(String id, byte[] payload) {
    CompletableFuture<Void> accepted = new CompletableFuture<>();
    caller.runOnContext(v -> client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
            .setPort(port).setURI("/api/messages").putHeader("Content-Type", "application/octet-stream")
            .putHeader("X-Ackcoord-Id", id).setIdleTimeout(REQUEST_TIMEOUT_MS))
        .compose(req -> {
          if (timeoutMs > 0) {
            req.putHeader("X-Ackcoord-Timeout-Ms", Long.toString(timeoutMs));
          }
          return req.send(Buffer.buffer(payload));
        })
        .compose(resp -> resp.body().map(body -> resp.statusCode()))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result() == 202) {
            accepted.complete(null);
          } else {
            accepted.completeExceptionally(ar.failed() ? ar.cause()
                : new IllegalStateException("HTTP " + ar.result()));
          }
        }));
    return accepted;
  }

  @Override
  public void close() {
    AckcoordPipeline.join(client.close().toCompletionStage(), Duration.ofSeconds(10));
  }
}

package io.ackcoord.producer.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.producer.coordinator.Coordinator;
import io.ackcoord.producer.ledger.Position;
import io.ackcoord.producer.timer.FakeScheduler;
import io.ackcoord.producer.timer.RetryPolicy;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.time.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A's HTTP API with a coordinator whose sends succeed at once: its answers, not Kafka's. */
class HttpApiTest {

  // One worker thread, so that a test can hold it and keep batches waiting to be parsed.
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(1));
  private final CountDownLatch releaseWorker = new CountDownLatch(1);

  @AfterEach
  void close() throws Exception {
    releaseWorker.countDown();
    result(vertx.close());
  }

  private int serve(Router router) throws Exception {
    HttpServer server = result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    return server.actualPort();
  }

  private Router router() {
    ManualClock clock = new ManualClock();
    MessageTracker tracker = new MessageTracker(clock, new RetryPolicy(1000, 3, 2.0, 60_000, 0.0, 100, 10_000),
        () -> 0.5, 100);
    Coordinator coordinator = new Coordinator(tracker, new Coordinator.Outbound() {
      @Override
      public Future<Position> send(Envelope envelope) {
        return Future.succeededFuture();
      }

      @Override
      public Future<byte[]> payload(String id, Position at) {
        return Future.failedFuture("not kept");
      }

      @Override
      public Future<Void> deadLetter(Envelope envelope, String reason) {
        return Future.succeededFuture();
      }
    }, new io.ackcoord.producer.ledger.WriteBarrier(), new FakeScheduler(clock), clock, "a1", 0, 500, 1_000_000);
    coordinator.start(List.of());
    coordinator.open();
    Router router = Router.router(vertx);
    new HttpApi(coordinator, 1_048_576, new TimeoutRule(100)).mount(router);
    return router;
  }

  @Test
  @DisplayName("a 500 says 'internal error' and nothing of the exception, whose text may name hosts and secrets")
  void internalErrorHidden() throws Exception {
    Router router = router();
    router.get("/api/boom").handler(ctx -> {
      throw new IllegalStateException("jdbc:postgresql://db.internal:5432/orders password=hunter2");
    });
    HttpClient client = vertx.createHttpClient();

    String answer = result(client.request(HttpMethod.GET, serve(router), "127.0.0.1", "/api/boom")
        .compose(req -> req.send()).compose(r -> r.body().map(b -> r.statusCode() + " " + b)));

    assertThat(answer).startsWith("500 ").contains("internal error").doesNotContain("db.internal", "hunter2",
        "IllegalStateException");
  }

  @Test
  @DisplayName("batches waiting to be parsed hold at most 32 MiB: one more gets 503 with Retry-After, and the "
      + "waiting ones still succeed")
  void batchBytesCapped() throws Exception {
    int port = serve(router());
    // Hold the only worker: the batches below wait to be parsed, their bytes counted.
    vertx.executeBlocking(() -> releaseWorker.await(30, TimeUnit.SECONDS), false);
    HttpClient client = vertx.createHttpClient();
    Buffer twelveMiB = batchOf(12 * 1_048_576);

    List<Future<String>> answers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      answers.add(post(client, port, twelveMiB));
    }
    // Whichever body arrives last finds 24 MiB waiting: it is refused at once, without waiting for the worker.
    Future<String> refused = Future.any(answers).compose(v -> answers.stream().filter(Future::isComplete)
        .findFirst().orElseThrow());
    assertThat(result(refused)).startsWith("503 ").contains("too many batch bytes");
    releaseWorker.countDown();

    List<String> all = new ArrayList<>();
    for (Future<String> f : answers) {
      all.add(result(f));
    }
    assertThat(all).filteredOn(a -> a.startsWith("200 ")).hasSize(2);
    assertThat(all).filteredOn(a -> a.startsWith("503 ")).hasSize(1);
  }

  private static Future<String> post(HttpClient client, int port, Buffer body) {
    return client.request(HttpMethod.POST, port, "127.0.0.1", "/api/messages/batch")
        .compose(req -> req.putHeader("Content-Type", "application/x-ndjson").send(body))
        .compose(r -> r.body().map(b -> r.statusCode() + " " + b.toString().substring(0,
            Math.min(200, b.length()))));
  }

  /** An NDJSON batch of one item whose payload fills about {@code bytes}. */
  private static Buffer batchOf(int bytes) {
    StringBuilder s = new StringBuilder(bytes + 64).append("{\"payload\":\"");
    s.append("x".repeat(bytes - 32)).append("\"}\n");
    return Buffer.buffer(s.toString());
  }

  private static <T> T result(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}

package io.ackcoord.producer.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class EventStreamTest {

  @Test
  @DisplayName("one client address holds at most MAX_PER_ADDRESS streams; a closed one frees its slot")
  void perAddressCap(Vertx vertx) throws Exception {
    EventStream events = new EventStream(vertx, 60_000, () -> new JsonObject().put("ok", true));
    Router router = Router.router(vertx);
    router.get("/api/events").handler(events::handle);
    HttpServer server = result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    HttpClient client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(EventStream.MAX_PER_ADDRESS + 5));
    try {
      List<HttpClientResponse> open = new ArrayList<>();
      for (int i = 0; i < EventStream.MAX_PER_ADDRESS; i++) {
        HttpClientResponse r = result(open(client, server.actualPort()));
        assertThat(r.statusCode()).isEqualTo(200);
        open.add(r);
      }
      // The body is asked for in the same callback as the response: asked for later, it may have streamed past.
      String refused = result(open(client, server.actualPort())
          .compose(r -> r.body().map(body -> r.statusCode() + " " + body)));
      assertThat(refused).startsWith("503 ").contains("from this address");

      result(open.get(0).request().connection().close());
      // The server sees the close on its own event loop: wait for the slot rather than for a fixed time.
      await().atMost(Duration.ofSeconds(10))
          .until(() -> events.clients() == EventStream.MAX_PER_ADDRESS - 1);
      assertThat(result(open(client, server.actualPort())).statusCode()).isEqualTo(200);
    } finally {
      events.close();
      result(client.close());
    }
  }

  private static Future<HttpClientResponse> open(HttpClient client, int port) {
    return client.request(HttpMethod.GET, port, "127.0.0.1", "/api/events").compose(req -> req.send());
  }

  private static <T> T result(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}

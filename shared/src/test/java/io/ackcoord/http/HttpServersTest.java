package io.ackcoord.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.config.ConfigException;
import io.ackcoord.config.HttpSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class HttpServersTest {

  @Test
  @DisplayName("connections beyond the cap are closed at once; a closed one frees its place")
  void connectionCap(Vertx vertx) throws Exception {
    HttpServer server = result(HttpServers.create(vertx, 2).requestHandler(req -> req.response().end("ok"))
        .listen(0, "127.0.0.1"));
    NetClient client = vertx.createNetClient();
    List<NetSocket> held = new ArrayList<>();
    try {
      // Kept alive after one request each: the server knows a connection once its first bytes arrive.
      for (int i = 0; i < 2; i++) {
        NetSocket socket = result(client.connect(server.actualPort(), "127.0.0.1"));
        assertThat(get(socket)).startsWith("HTTP/1.1 200");
        held.add(socket);
      }
      assertThat(get(client, server.actualPort())).as("the third connection").isEmpty();
      assertThat(get(held.get(1))).as("a held one still works").startsWith("HTTP/1.1 200");

      result(held.remove(0).close());
      await().atMost(Duration.ofSeconds(10)).until(() -> get(client, server.actualPort()).startsWith("HTTP/1.1 200"));
    } finally {
      result(client.close());
      result(server.close());
    }
  }

  @Test
  @DisplayName("a TLS file that cannot be read fails the start, naming the key and the path")
  void unreadableTlsFile(Vertx vertx, @TempDir Path dir) throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "not used");
    String missing = dir.resolve("no-such-key.pem").toString();
    HttpSettings http = new HttpSettings("127.0.0.1", 0, Set.of(), List.of(),
        new HttpSettings.Tls(cert.toString(), missing, ""), false);
    Throwable failure = HttpServers.listen(vertx, http, req -> req.response().end())
        .toCompletionStage().toCompletableFuture().handle((s, err) -> err).get(10, TimeUnit.SECONDS);
    assertThat(failure).isInstanceOf(ConfigException.class).hasMessageContaining(HttpSettings.TLS_KEY)
        .hasMessageContaining(missing);
  }

  /** A GET on a new connection: the response, or "" if the server closed the connection unanswered. */
  private static String get(NetClient client, int port) throws Exception {
    return get(result(client.connect(port, "127.0.0.1")));
  }

  private static String get(NetSocket socket) throws Exception {
    Buffer response = Buffer.buffer();
    Promise<String> done = Promise.promise();
    socket.handler(b -> {
      response.appendBuffer(b);
      if (response.toString().contains("\r\n\r\nok")) {
        done.tryComplete(response.toString());
      }
    });
    socket.closeHandler(v -> done.tryComplete(response.toString()));
    socket.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    return result(done.future());
  }

  private static <T> T result(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}

package io.ackcoord.bench;

import io.ackcoord.kafka.ClientConfig;
import io.ackcoord.kafka.KafkaClientFactory;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.kafka.KafkaSettings;
import io.ackcoord.kafka.TopicNames;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The peer of A's HTTP submit path: a minimal HTTP→Kafka bridge, which is what Strimzi's Kafka bridge does for a
 * produce request. Each message becomes one Kafka record on its own topic, answered once the broker confirmed the
 * send; no ACK tracking, no ledger, no re-sends. It takes A's two write requests, so one wrk script drives both:
 * {@code POST /api/messages} (body = payload, key = {@code X-Ackcoord-Id}) → {@code 202 {"id":…}}, and
 * {@code POST /api/messages/batch} (a JSON array of {@code {"id", "payload"}}) → {@code 200 {"accepted", "failed"}}
 * once every item is settled.
 *
 * <p>The producer is A's topic-1 producer: the same {@link ClientConfig} settings as {@code Pipeline.openCore}
 * ({@code acks=all}, idempotent, {@code linger.ms} 5) behind the same {@link KafkaSender}, so the two differ by
 * what A adds, not by the client. One verticle instance, one event loop, as A. A batch is parsed on the event loop,
 * as Strimzi's bridge does; A parses on a worker, which at the benchmark's 100-item batches costs it a hop.
 */
final class HttpBridge extends VerticleBase {

  private final String bootstrap;
  private final String topic;
  private KafkaSender sender;
  private HttpServer server;

  /** A bridge to {@code topic} on {@code bootstrap}; the topic must exist. */
  HttpBridge(String bootstrap, String topic) {
    this.bootstrap = bootstrap;
    this.topic = topic;
  }

  @Override
  public Future<?> start() {
    KafkaSettings kafka = new KafkaSettings(bootstrap, new TopicNames("bench-bridge."), 1, (short) 1, false, 0,
        new JsonObject(), new JsonObject(), new JsonObject());
    // A's topic-1 producer, setting by setting (producer-a's Pipeline.openCore).
    ClientConfig producer = ClientConfig.producer(kafka, "bench-http-bridge").durable()
        .defaults("linger.ms", "5")
        .defaults("delivery.timeout.ms", "30000")
        .defaults("request.timeout.ms", "10000")
        .defaults("max.block.ms", "10000");
    Router router = Router.router(vertx);
    router.post("/api/messages/batch").handler(BodyHandler.create(false)).handler(this::batch);
    router.post("/api/messages").handler(BodyHandler.create(false)).handler(this::single);
    return KafkaClientFactory.sender(vertx, producer, "bench-http-bridge")
        .compose(s -> {
          sender = s;
          return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1");
        })
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    return (server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> sender == null ? Future.succeededFuture() : sender.close(10_000));
  }

  /** The port the bridge listens on, once started. */
  int port() {
    return server.actualPort();
  }

  private void single(RoutingContext ctx) {
    String id = ctx.request().getHeader("X-Ackcoord-Id");
    Buffer body = ctx.body().buffer();
    send(id, body == null ? new byte[0] : body.getBytes())
        .onSuccess(v -> ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("id", id).encode()))
        .onFailure(err -> ctx.response().setStatusCode(503).end());
  }

  private void batch(RoutingContext ctx) {
    JsonArray items;
    try {
      items = ctx.body().asJsonArray();
    } catch (RuntimeException e) {
      ctx.response().setStatusCode(400).end();
      return;
    }
    List<Future<?>> sends = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = items.getJsonObject(i);
      sends.add(send(item.getString("id"), item.getValue("payload") == null ? new byte[0]
          : Json.encode(item.getValue("payload")).getBytes(StandardCharsets.UTF_8)));
    }
    Future.join(sends).onComplete(ar -> {
      long accepted = sends.stream().filter(Future::succeeded).count();
      ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("accepted", accepted).put("failed", items.size() - accepted).encode());
    });
  }

  private Future<?> send(String id, byte[] payload) {
    return sender.send(new ProducerRecord<>(topic, id, payload));
  }
}

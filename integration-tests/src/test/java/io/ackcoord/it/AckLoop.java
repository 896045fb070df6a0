package io.ackcoord.it;

import io.ackcoord.consumer.ConsumerVerticle;
import io.ackcoord.consumer.MessageHandler;
import io.ackcoord.kafka.TopicNames;
import io.ackcoord.producer.ProducerVerticle;
import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.KafkaTestClients;
import io.ackcoord.testkit.TestTopics;
import io.ackcoord.time.Clock;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One A and any number of B deployments on one test's own topics, driven the way a user drives them: HTTP to A,
 * records read back from the broker. Calls block the test thread (never an event loop) with a timeout.
 */
final class AckLoop implements AutoCloseable {

  final Vertx vertx;
  final String bootstrap;
  final TopicNames topics;
  private final String prefix;
  private final WebClient web;
  private int httpPort = -1;
  /** The A deployed last, or {@code null}. */
  private volatile ProducerVerticle producer;
  /** Sent as {@code Authorization: Bearer} on every request to A once set. */
  private String token;
  /** What the A and B deployed from now on trace with; {@code null}: as configured (off in tests). */
  private OpenTelemetry openTelemetry;

  AckLoop(Vertx vertx, KafkaBroker broker, String testName) {
    this.vertx = vertx;
    this.bootstrap = broker.bootstrapServers();
    this.prefix = TestTopics.uniquePrefix(testName);
    this.topics = new TopicNames(prefix);
    this.web = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(16));
  }

  /** A's config for tests: fast timeouts, no jitter, a free HTTP port; {@code overrides} win. */
  JsonObject producerConfig(JsonObject overrides) {
    return new JsonObject()
        .put("kafka.bootstrap.servers", bootstrap)
        .put("topic.prefix", prefix)
        .put("producer.id", "a-it")
        .put("http.port", 0)
        .put("ack.timeout.ms", 2000)
        .put("retry.delay.ms", 200)
        .put("retry.jitter", 0.0)
        .put("retry.backoff.multiplier", 1.5)
        .put("retry.max.attempts", 10)
        .mergeIn(overrides);
  }

  /** B's config for tests: its own group, no HTTP, quick shutdown; {@code overrides} win. */
  JsonObject consumerConfig(JsonObject overrides) {
    return new JsonObject()
        .put("kafka.bootstrap.servers", bootstrap)
        .put("topic.prefix", prefix)
        .put("consumer.group.id", prefix + "b")
        .put("http.port", -1)
        .put("shutdown.timeout.ms", 200)
        .mergeIn(overrides);
  }

  /** Deploys A; returns the deployment id. */
  String deployProducer(JsonObject overrides) {
    return deployProducer(vertx, overrides);
  }

  /** Deploys A on another Vert.x instance (to stop it with that instance, as a crash of its process would). */
  String deployProducer(Vertx on, JsonObject overrides) {
    ProducerVerticle a = new ProducerVerticle(Clock.SYSTEM, openTelemetry);
    String id = await(on.deployVerticle(a, new DeploymentOptions().setConfig(producerConfig(overrides))));
    httpPort = a.httpPort();
    producer = a;
    return id;
  }

  /** Every route of the last deployed A's HTTP router. */
  List<Route> producerRoutes() {
    return producer.httpRoutes();
  }

  /** Deploys B with {@code handler}, or with the default result-topic handler when {@code null}. */
  String deployConsumer(MessageHandler handler, JsonObject overrides) {
    ConsumerVerticle b = new ConsumerVerticle(handler, Clock.SYSTEM, ConsumerVerticle::durableDedupe, openTelemetry);
    return await(vertx.deployVerticle(b, new DeploymentOptions().setConfig(consumerConfig(overrides))));
  }

  /** Deploys B with the default handler and returns it, to read its counters. */
  ConsumerVerticle deployConsumer(JsonObject overrides) {
    ConsumerVerticle b = new ConsumerVerticle();
    await(vertx.deployVerticle(b, new DeploymentOptions().setConfig(consumerConfig(overrides))));
    return b;
  }

  void undeploy(String deploymentId) {
    await(vertx.undeploy(deploymentId));
  }

  /** POSTs {@code n} JSON messages to A and returns their ids once all got 202. */
  List<String> submit(int n) {
    List<Future<String>> sends = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      sends.add(post(new JsonObject().put("n", i).encode(), Map.of())
          .map(r -> {
            if (r.statusCode() != 202) {
              throw new IllegalStateException("expected 202, got " + r.statusCode() + " " + r.bodyAsString());
            }
            return r.bodyAsJsonObject().getString("id");
          }));
    }
    await(Future.all(sends));
    return sends.stream().map(Future::result).toList();
  }

  /** POSTs {@code n} JSON messages to A in batches of {@code size}; returns their ids once all got status 202. */
  List<String> submitBatches(int n, int size) {
    List<Future<List<String>>> batches = new ArrayList<>();
    for (int from = 0; from < n; from += size) {
      JsonArray items = new JsonArray();
      for (int i = from; i < Math.min(n, from + size); i++) {
        items.add(new JsonObject().put("payload", new JsonObject().put("n", i)));
      }
      batches.add(postBatch(items.encode(), "application/json").map(r -> {
        JsonObject body = r.bodyAsJsonObject();
        if (r.statusCode() != 200 || body.getInteger("failed") != 0) {
          throw new IllegalStateException("batch not accepted: " + r.statusCode() + " " + r.bodyAsString());
        }
        return body.getJsonArray("results").stream().map(o -> ((JsonObject) o).getString("id")).toList();
      }));
    }
    await(Future.all(batches));
    return batches.stream().flatMap(f -> f.result().stream()).toList();
  }

  /** One POST to {@code /api/messages/batch}. */
  Future<HttpResponse<Buffer>> postBatch(String body, String contentType) {
    return authorized(web.post(httpPort, "127.0.0.1", "/api/messages/batch"))
        .putHeader("Content-Type", contentType)
        .sendBuffer(Buffer.buffer(body));
  }

  /** One POST to {@code /api/messages} with extra headers. */
  Future<HttpResponse<Buffer>> post(String body, Map<String, String> headers) {
    var request = authorized(web.post(httpPort, "127.0.0.1", "/api/messages"))
        .putHeader("Content-Type", "application/json");
    headers.forEach(request::putHeader);
    return request.sendBuffer(Buffer.buffer(body));
  }

  /** Any request to A, with a JSON body ({@code null} for none) and extra headers; blocks for the answer. */
  HttpResponse<Buffer> call(io.vertx.core.http.HttpMethod method, String path, String json,
      Map<String, String> headers) {
    var request = authorized(web.request(method, httpPort, "127.0.0.1", path));
    headers.forEach(request::putHeader);
    if (json == null) {
      return await(request.send());
    }
    return await(request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(json)));
  }

  /** The A and B deployed from now on trace through {@code openTelemetry} (the test closes it). */
  AckLoop tracing(OpenTelemetry openTelemetry) {
    this.openTelemetry = openTelemetry;
    return this;
  }

  /** Sends {@code token} with every later request to A (for an A with {@code http.auth.token} set). */
  AckLoop token(String token) {
    this.token = token;
    return this;
  }

  private <T> HttpRequest<T> authorized(HttpRequest<T> request) {
    return token == null ? request : request.bearerTokenAuthentication(token);
  }

  /** A's HTTP port; valid once A is deployed. */
  int port() {
    return httpPort;
  }

  /** A's base URL, e.g. {@code http://127.0.0.1:41234}; valid once A is deployed. */
  String baseUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** {@code GET} of any path on A. */
  HttpResponse<Buffer> get(String path) {
    return await(authorized(web.get(httpPort, "127.0.0.1", path)).send());
  }

  /** {@code GET /api/status}. */
  JsonObject status() {
    return await(authorized(web.get(httpPort, "127.0.0.1", "/api/status")).send()).bodyAsJsonObject();
  }

  /** {@code GET /api/messages/{id}}. */
  HttpResponse<Buffer> message(String id) {
    return await(authorized(web.get(httpPort, "127.0.0.1", "/api/messages/" + id)).send());
  }

  long stat(String name) {
    return status().getLong(name);
  }

  /** Every record of a topic, as committed (read_committed). */
  List<ConsumerRecord<String, byte[]>> records(String topic) {
    return KafkaTestClients.readAll(bootstrap, topic, IsolationLevel.READ_COMMITTED, Duration.ofSeconds(30),
        new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Writes one raw record, bypassing ackcoord's codecs, to a chosen partition (or any, when {@code null}). */
  void produceRaw(String topic, Integer partition, String key, byte[] value) {
    produceRaw(new ProducerRecord<>(topic, partition, key, value));
  }

  /** Writes one record built by the test, headers included, bypassing ackcoord's codecs. */
  void produceRaw(ProducerRecord<String, byte[]> record) {
    String topic = record.topic();
    Map<String, Object> props = Map.of("bootstrap.servers", bootstrap, "acks", "all");
    try (KafkaProducer<String, byte[]> producer =
             new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(record).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("could not write to " + topic + ": " + e.getMessage(), e);
    }
  }

  /** How many records the results topic holds per message id: the effects, counted by the broker. */
  Map<String, Integer> effects() {
    Map<String, Integer> counts = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : records(topics.results())) {
      counts.merge(r.key(), 1, Integer::sum);
    }
    return counts;
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("operation failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    web.close();
  }
}

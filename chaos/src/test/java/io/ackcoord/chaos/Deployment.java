package io.ackcoord.chaos;

import io.ackcoord.testkit.Books;
import io.ackcoord.testkit.BooksChecker;
import io.ackcoord.testkit.LocalKafkaProcess;
import io.ackcoord.testkit.ManagedProcess;
import io.ackcoord.testkit.TestTopics;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ackcoord deployment as separate OS processes, the way users run it: a broker of its own
 * ({@code bin/local-kafka}), A and B with {@code bin/vertx run}, configured through environment variables. Each
 * process can be killed, frozen and restarted; the books are balanced by {@link BooksChecker}.
 */
final class Deployment implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Deployment.class);
  private static final Pattern A_READY = Pattern.compile("Producer A .* ready");
  private static final Pattern B_READY = Pattern.compile("Consumer B .* started");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  final LocalKafkaProcess broker;
  final String prefix;
  final String group;
  final int httpPort;
  private final Path dir;
  private final Path root;
  private final String guarantee;
  private final Map<String, ManagedProcess> consumers = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private ManagedProcess producer;
  private int generation;

  /** @param guarantee B's {@code processing.guarantee}, or {@code null} for B's default */
  Deployment(String name, String guarantee) {
    this.guarantee = guarantee;
    this.root = repoRoot();
    this.prefix = TestTopics.uniquePrefix(name);
    this.group = prefix + "b";
    this.httpPort = freePort();
    try {
      this.dir = Files.createDirectories(root.resolve("chaos/target/chaos").resolve(prefix));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.broker = LocalKafkaProcess.builder().workDir(dir.resolve("kafka")).root(root).start();
    LOG.info("Chaos deployment {} on {} ({})", prefix, broker.bootstrapServers(),
        guarantee == null ? "default guarantee" : guarantee);
  }

  /** Starts (or restarts) consumer B {@code name}, a static member of the group, and waits until it runs. */
  ManagedProcess startConsumer(String name) {
    ManagedProcess b = process("b-" + name, "io.ackcoord.consumer.ConsumerVerticle", Map.of(
        "CONSUMER_GROUP_ID", group,
        "CONSUMER_INSTANCE_ID", name,
        "HTTP_PORT", "-1",
        "HANDLER_WORK_MS", "5"), B_READY);
    consumers.put(name, b);
    return b;
  }

  /** Starts (or restarts) producer A, always with the same producer id and port. */
  ManagedProcess startProducer() {
    producer = process("a", "io.ackcoord.producer.ProducerVerticle", Map.of(
        "PRODUCER_ID", "a-chaos",
        "HTTP_PORT", Integer.toString(httpPort),
        "ACK_TIMEOUT_MS", "1500",
        "RETRY_DELAY_MS", "200",
        "RETRY_BACKOFF_MAX_MS", "4000",
        "RETRY_MAX_ATTEMPTS", "100"), A_READY);
    return producer;
  }

  ManagedProcess producer() {
    return producer;
  }

  ManagedProcess consumer(String name) {
    return consumers.get(name);
  }

  List<String> consumerNames() {
    return List.copyOf(consumers.keySet());
  }

  /** A's {@code /api/status}, or {@code null} when A does not answer. */
  JsonObject status() {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + httpPort + "/api/status")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? new JsonObject(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  Books books(Set<String> accepted, Set<String> submitted) {
    return new BooksChecker(broker.bootstrapServers(), prefix, Duration.ofSeconds(60))
        .check(accepted, submitted, group);
  }

  private ManagedProcess process(String name, String verticle, Map<String, String> env, Pattern ready) {
    ManagedProcess.Builder builder = ManagedProcess.builder(name,
            List.of(root.resolve("bin/vertx").toString(), "run", verticle))
        .directory(root)
        .logFile(dir.resolve(name + "-" + (++generation) + ".log"))
        .env("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers())
        .env("TOPIC_PREFIX", prefix)
        .env("ACKCOORD_JAVA_OPTS", "-Xms64m -Xmx384m -XX:+UseSerialGC")
        .env("VERTX_CONFIG_PATH", "")
        .env("ACKCOORD_NO_BUILD", "1");
    if (guarantee != null && verticle.contains("Consumer")) {
      builder.env("PROCESSING_GUARANTEE", guarantee);
    }
    env.forEach(builder::env);
    ManagedProcess p = builder.start();
    p.awaitLine(ready, START_TIMEOUT);
    return p;
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close();
    }
    consumers.values().forEach(ManagedProcess::close);
    broker.close();
  }

  static Path repoRoot() {
    Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (p != null && !Files.isExecutable(p.resolve("bin/vertx"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("bin/vertx not found above " + System.getProperty("user.dir"));
    }
    return p;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.ackcoord.chaos;

import static org.awaitility.Awaitility.await;

import io.ackcoord.testkit.Books;
import io.ackcoord.testkit.BooksChecker;
import io.ackcoord.testkit.LocalKafkaProcess;
import io.ackcoord.testkit.ManagedProcess;
import io.ackcoord.testkit.Ports;
import io.ackcoord.testkit.Readiness;
import io.ackcoord.testkit.TestTopics;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ackcoord deployment as separate OS processes, the way users run it: a broker of its own
 * ({@code bin/local-kafka}), As and Bs with {@code bin/vertx run}, configured through environment variables. Each
 * process can be killed, frozen and restarted; the books are balanced by {@link BooksChecker}. The chaos suite runs
 * one A (the default, {@link #DEFAULT_PRODUCER}) and two Bs; the scale-out test several of each, one A per
 * producer id.
 */
final class Deployment implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Deployment.class);
  /** The chaos Bs run without HTTP (so no readiness probe): the line B logs once subscribed. */
  private static final Pattern B_READY = Pattern.compile("Consumer B .* started");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  /**
   * B's {@code group.protocol} for every B of the run, from {@code -Dchaos.group.protocol=classic|consumer}; empty
   * means B's default.
   */
  static final String GROUP_PROTOCOL = System.getProperty("chaos.group.protocol", "").trim();

  /** The producer id of the one A that {@link #startProducer()} manages. */
  static final String DEFAULT_PRODUCER = "a-chaos";

  final LocalKafkaProcess broker;
  final String prefix;
  final String group;
  /** HTTP port of the default A ({@link #DEFAULT_PRODUCER}). */
  final int httpPort;
  private final Path dir;
  private final Path root;
  private final String guarantee;
  /** B's {@code consumer.mode}, or {@code null} for B's default. */
  private final String mode;
  private final Map<String, ManagedProcess> consumers = new LinkedHashMap<>();
  private final Map<String, ManagedProcess> producers = new LinkedHashMap<>();
  /** Each A keeps its port across restarts, so traffic and status calls find it again. */
  private final Map<String, Integer> producerPorts = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private int generation;

  /** @param guarantee B's {@code processing.guarantee}, or {@code null} for B's default */
  Deployment(String name, String guarantee) {
    this(name, guarantee, null);
  }

  /** @param mode B's {@code consumer.mode}, or {@code null} for B's default */
  Deployment(String name, String guarantee, String mode) {
    this.guarantee = guarantee;
    this.mode = mode;
    this.root = repoRoot();
    this.prefix = TestTopics.uniquePrefix(name);
    this.group = prefix + "b";
    this.httpPort = port(DEFAULT_PRODUCER);
    try {
      this.dir = Files.createDirectories(root.resolve("chaos/target/chaos").resolve(prefix));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.broker = LocalKafkaProcess.builder().workDir(dir.resolve("kafka")).root(root).start();
    LOG.info("Chaos deployment {} on {} ({}{})", prefix, broker.bootstrapServers(),
        guarantee == null ? "default guarantee" : guarantee, mode == null ? "" : ", " + mode + " mode");
  }

  /** Sets a config of B's share group, before the Bs start (share mode). */
  void shareGroupConfig(String key, String value) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
      admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(key, value),
          AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not set " + key + " on share group " + group + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts (or restarts) consumer B {@code name}, a static member of the group, and waits until it runs. */
  ManagedProcess startConsumer(String name) {
    return startConsumers(name).get(0);
  }

  /** Starts (or restarts) several Bs side by side and waits until each runs. */
  List<ManagedProcess> startConsumers(String... names) {
    return startAll(consumers, p -> p.awaitLine(B_READY, START_TIMEOUT), names, name -> launch("b-" + name, "io.ackcoord.consumer.ConsumerVerticle",
        Map.of(
            "CONSUMER_GROUP_ID", group,
            "CONSUMER_INSTANCE_ID", name,
            "HTTP_PORT", "-1",
            "HANDLER_WORK_MS", "5")));
  }

  /** Starts (or restarts) the default A, always with the same producer id and port. */
  ManagedProcess startProducer() {
    return startProducers(DEFAULT_PRODUCER).get(0);
  }

  /**
   * Starts (or restarts) As side by side, one per producer id, each on a port of its own that it keeps across
   * restarts, and waits until each is ready ({@code GET /health/ready}).
   */
  List<ManagedProcess> startProducers(String... producerIds) {
    return startAll(producers, p -> Readiness.await(p, port(producerIdOf(p)), START_TIMEOUT), producerIds,
        id -> launch(id.equals(DEFAULT_PRODUCER) ? "a" : "a-" + id,
            "io.ackcoord.producer.ProducerVerticle", Map.of(
                "PRODUCER_ID", id,
                "HTTP_PORT", Integer.toString(port(id)),
                "ACK_TIMEOUT_MS", "1500",
                "RETRY_DELAY_MS", "200",
                "RETRY_BACKOFF_MAX_MS", "4000",
                "RETRY_MAX_ATTEMPTS", "100")));
  }

  // Launches every process first and only then waits for each to be ready, so they start side by side.
  private static List<ManagedProcess> startAll(Map<String, ManagedProcess> registry,
      Consumer<ManagedProcess> awaitReady, String[] names, Function<String, ManagedProcess> launcher) {
    List<ManagedProcess> started = new ArrayList<>();
    for (String name : names) {
      ManagedProcess p = launcher.apply(name);
      registry.put(name, p);
      started.add(p);
    }
    started.forEach(awaitReady);
    return started;
  }

  // The producer id a running A was started under (the registry's key).
  private String producerIdOf(ManagedProcess process) {
    return producers.entrySet().stream().filter(e -> e.getValue() == process).map(Map.Entry::getKey).findFirst()
        .orElseThrow();
  }

  /** The default A. */
  ManagedProcess producer() {
    return producer(DEFAULT_PRODUCER);
  }

  ManagedProcess producer(String producerId) {
    return producers.get(producerId);
  }

  ManagedProcess consumer(String name) {
    return consumers.get(name);
  }

  List<String> consumerNames() {
    return List.copyOf(consumers.keySet());
  }

  /** The HTTP port of the A with this producer id (chosen once, kept across restarts). */
  int port(String producerId) {
    return producerPorts.computeIfAbsent(producerId, id -> Ports.free());
  }

  /** The default A's {@code /api/status}, or {@code null} when it does not answer. */
  JsonObject status() {
    return status(DEFAULT_PRODUCER);
  }

  /** The {@code /api/status} of the A with this producer id, or {@code null} when it does not answer. */
  JsonObject status(String producerId) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port(producerId) + "/api/status")).timeout(Duration.ofSeconds(5))
              .build(),
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

  /**
   * The books once they balance, or as they stand after a minute of trying: call it once the As have nothing
   * pending (B's last commits and the ledger tombstones may still be landing).
   */
  Books balancedBooks(Set<String> accepted, Set<String> submitted) {
    return balancedBooks(accepted, submitted, false);
  }

  /**
   * @param duplicatesAllowed whether the books count as balanced with duplicate effects in them (share mode, where
   *                          they are reported, not failed on): waiting for them to go away would only wait out the
   *                          minute
   */
  Books balancedBooks(Set<String> accepted, Set<String> submitted, boolean duplicatesAllowed) {
    Books[] last = new Books[1];
    try {
      await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).until(() -> {
        last[0] = books(accepted, submitted);
        return duplicatesAllowed ? last[0].balanced() : last[0].clean();
      });
    } catch (ConditionTimeoutException e) {
      LOG.warn("books did not balance within a minute of the As draining");
    }
    return last[0];
  }

  // Starts a process without waiting for it, so several start side by side; the caller awaits its ready line.
  private ManagedProcess launch(String name, String verticle, Map<String, String> env) {
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
    if (mode != null && verticle.contains("Consumer")) {
      builder.env("CONSUMER_MODE", mode);
    }
    if (!GROUP_PROTOCOL.isEmpty() && verticle.contains("Consumer")) {
      builder.env("GROUP_PROTOCOL", GROUP_PROTOCOL);
    }
    env.forEach(builder::env);
    return builder.start();
  }

  @Override
  public void close() {
    producers.values().forEach(ManagedProcess::close);
    consumers.values().forEach(ManagedProcess::close);
    broker.close();
  }

  /** The group protocol the Bs run with, for logs and summaries. */
  static String groupProtocolName() {
    return GROUP_PROTOCOL.isEmpty() ? "default" : GROUP_PROTOCOL;
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
}

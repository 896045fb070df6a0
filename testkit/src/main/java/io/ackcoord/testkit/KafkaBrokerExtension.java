package io.ackcoord.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Gives tests a real Kafka broker: ONE per test JVM, started on first use and kept in the root extension
 * store, so it is stopped once, after the last test class. Each test makes its own topics
 * ({@link TestTopics#uniquePrefix(String)}), which keeps tests independent without a broker start each.
 *
 * <pre>{@code
 * @ExtendWith(KafkaBrokerExtension.class)
 * class OrdersIT {
 *   @Test
 *   void acksEveryOrder(KafkaBroker broker) { ... broker.bootstrapServers() ... }
 * }
 * }</pre>
 *
 * <p>Which broker: system property {@value #BROKER_PROPERTY} or environment variable {@value #BROKER_ENV}
 * (the property wins):
 * <ul>
 *   <li>{@code auto} (default): a Testcontainers {@code apache/kafka} container when Docker is available,
 *       otherwise the local broker process;</li>
 *   <li>{@code local}: {@code bin/local-kafka} as a child process ({@link LocalKafkaProcess});</li>
 *   <li>{@code testcontainers}: the container, failing if there is no Docker;</li>
 *   <li>{@code external:<bootstrap>}: an already running cluster, e.g. {@code external:127.0.0.1:9092}.</li>
 * </ul>
 * Tests are never skipped for want of a broker: if none can be had, they fail and say why.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {

  /** System property choosing the broker. */
  public static final String BROKER_PROPERTY = "ackcoord.test.broker";
  /** Environment variable choosing the broker when the system property is not set. */
  public static final String BROKER_ENV = "ACKCOORD_TEST_BROKER";
  /** System property overriding the container image; default {@code apache/kafka:<broker version>}. */
  public static final String IMAGE_PROPERTY = "ackcoord.test.kafka.image";

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerExtension.class);
  private static final Namespace NAMESPACE = Namespace.create(KafkaBrokerExtension.class);
  private static final String EXTERNAL = "external:";

  /** Starts (once per JVM) the broker, so start-up time lands before the first test, not inside it. */
  @Override
  public void beforeAll(ExtensionContext context) {
    broker(context);
  }

  /** Resolves parameters of type {@link KafkaBroker}. */
  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == KafkaBroker.class;
  }

  /** The shared broker. */
  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return broker(extensionContext);
  }

  /**
   * The broker of this test JVM, started on first call; for other extensions that hold an
   * {@link ExtensionContext} rather than a parameter.
   */
  public static KafkaBroker broker(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(SharedBroker.class, key -> startConfigured(), SharedBroker.class)
        .broker();
  }

  private static SharedBroker startConfigured() {
    String configured = System.getProperty(BROKER_PROPERTY, System.getenv(BROKER_ENV));
    String choice = configured == null || configured.isBlank() ? "auto" : configured.strip();
    SharedBroker shared = start(choice);
    LOG.info("Kafka broker for this test JVM: {} [{}={}]", shared.broker(), BROKER_PROPERTY, choice);
    return shared;
  }

  private static SharedBroker start(String choice) {
    if (choice.startsWith(EXTERNAL)) {
      String bootstrap = choice.substring(EXTERNAL.length()).strip();
      if (bootstrap.isEmpty()) {
        throw new IllegalStateException(BROKER_PROPERTY + "=" + choice + " names no bootstrap servers");
      }
      return new SharedBroker(new NamedBroker(bootstrap, "external cluster at " + bootstrap), () -> { });
    }
    switch (choice.toLowerCase(Locale.ROOT)) {
      case "local":
        return startLocal();
      case "testcontainers":
        if (!dockerAvailable()) {
          throw new IllegalStateException(BROKER_PROPERTY + "=testcontainers, but Testcontainers finds no Docker "
              + "environment; use local, or external:<bootstrap>");
        }
        return startContainer();
      case "auto":
        if (!dockerAvailable()) {
          LOG.info("no Docker environment: using the local broker process");
          return startLocal();
        }
        try {
          return startContainer();
        } catch (RuntimeException containerFailure) {
          LOG.warn("Kafka container failed to start ({}); falling back to the local broker process",
              containerFailure.toString());
          try {
            return startLocal();
          } catch (RuntimeException localFailure) {
            localFailure.addSuppressed(containerFailure);
            throw localFailure;
          }
        }
      default:
        throw new IllegalStateException("unknown " + BROKER_PROPERTY + " '" + choice
            + "': expected auto, local, testcontainers or external:<bootstrap>");
    }
  }

  private static SharedBroker startLocal() {
    // Under target/ of the module being tested (Maven's user.dir): kept after the run for its logs.
    Path workDir = Path.of("target", "local-kafka",
        "run-" + System.currentTimeMillis() + "-" + ProcessHandle.current().pid());
    LocalKafkaProcess process = LocalKafkaProcess.builder().workDir(workDir).start();
    return new SharedBroker(process, process::close);
  }

  private static SharedBroker startContainer() {
    String image = System.getProperty(IMAGE_PROPERTY, "apache/kafka:" + brokerVersion());
    // The same broker behaviour as bin/local-kafka: topics exist only when a test creates them.
    KafkaContainer container = new KafkaContainer(DockerImageName.parse(image))
        .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
        .withEnv("KAFKA_NUM_PARTITIONS", "3")
        .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
        // As bin/local-kafka: the consumer group protocol's session and heartbeat as B's classic defaults.
        .withEnv("KAFKA_GROUP_CONSUMER_MIN_SESSION_TIMEOUT_MS", "6000")
        .withEnv("KAFKA_GROUP_CONSUMER_SESSION_TIMEOUT_MS", "10000")
        .withEnv("KAFKA_GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS", "1000")
        .withEnv("KAFKA_GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS", "3000");
    try {
      container.start();
    } catch (RuntimeException e) {
      container.stop();
      throw e;
    }
    String bootstrap = container.getBootstrapServers();
    return new SharedBroker(new NamedBroker(bootstrap, "Testcontainers " + image + " at " + bootstrap),
        container::stop);
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("Docker probe failed", e);
      return false;
    }
  }

  /** The Kafka version of bin/local-kafka (root pom), so the container runs the same broker. */
  private static String brokerVersion() {
    Properties properties = new Properties();
    try (InputStream in = KafkaBrokerExtension.class.getResourceAsStream("testkit.properties")) {
      if (in == null) {
        throw new IllegalStateException("io/ackcoord/testkit/testkit.properties is missing from the classpath");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read io/ackcoord/testkit/testkit.properties", e);
    }
    return properties.getProperty("kafka.broker.version");
  }

  /** A broker given by address only; {@code toString} says what it is for the log. */
  private record NamedBroker(String bootstrapServers, String description) implements KafkaBroker {
    @Override
    public String toString() {
      return description;
    }
  }

  /** The store value: JUnit closes it when the root context closes, after the last test of the JVM. */
  private record SharedBroker(KafkaBroker broker, Runnable stop) implements AutoCloseable {
    @Override
    public void close() {
      LOG.info("stopping {}", broker);
      stop.run();
    }
  }
}

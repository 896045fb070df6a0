package io.ackcoord.localkafka;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in this JVM, for tests and demos.
 * Run it through {@code bin/local-kafka}, which gives it a classpath of its own so the broker's kafka-clients
 * never meets the one our services use.
 *
 * <p>Contract with whoever launches it (a shell, {@code ManagedProcess} in the testkit):
 * <ol>
 *   <li>stdout carries exactly one line, {@code ready bootstrap=HOST:PORT}, printed once an Admin client has
 *       seen the broker in {@code describeCluster()}; so a caller can wait for that line and then connect;</li>
 *   <li>everything else (broker warnings, our own progress lines) goes to stderr;</li>
 *   <li>exit status 0 after SIGTERM/SIGINT and a clean broker shutdown, 1 when the broker cannot start or
 *       stops on its own, 2 for bad arguments; a failure to start is reported in one line starting
 *       {@code local-kafka failed to start:}.</li>
 * </ol>
 *
 * <p>Storage is formatted only when the data dir has no {@code meta.properties}, so a broker restarted on the
 * same data dir (and port) keeps its topics and committed offsets.
 */
public final class LocalKafka {

  /** Clean shutdown after a signal. */
  static final int EXIT_OK = 0;
  /** The broker could not start, or stopped without being asked to. */
  static final int EXIT_FAILED = 1;
  /** Bad command line. */
  static final int EXIT_USAGE = 2;

  private static final String USAGE =
      "usage: bin/local-kafka [--port N] [--controller-port N] [--data-dir DIR] [--host H] [--override key=value]...";
  /** How long the Admin client may take to see the started broker before we call the start failed. */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final LocalKafkaOptions options;
  private final Logger log = LoggerFactory.getLogger(LocalKafka.class);
  /** Set first thing by the shutdown hook; from then on nobody else decides the exit status. */
  private volatile boolean shuttingDown;
  /** Status the shutdown hook halts with: 0 for a signal, else whatever {@link #exit(int)} asked for. */
  private volatile int exitStatus = EXIT_OK;
  private volatile KafkaRaftServer server;
  private volatile Path temporaryDataDir;

  private LocalKafka(LocalKafkaOptions options) {
    this.options = options;
  }

  /** Entry point; see the class Javadoc for the stdout and exit-status contract. */
  public static void main(String[] args) {
    // Before the first logger: our logback configuration has a name of its own, so this jar never puts a
    // logback.xml on the classpath of a project that depends on it.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "local-kafka-logback.xml");
    }
    // stdout is a protocol here: keep the real one for the ready line, send any library's prints to stderr.
    PrintStream readyOut = System.out;
    System.setOut(System.err);

    LocalKafkaOptions options;
    try {
      options = LocalKafkaOptions.parse(args);
    } catch (IllegalArgumentException e) {
      LoggerFactory.getLogger(LocalKafka.class).error("local-kafka: {}; {}", e.getMessage(), USAGE);
      System.exit(EXIT_USAGE);
      return;
    }
    new LocalKafka(options).run(readyOut);
  }

  private void run(PrintStream readyOut) {
    // Kafka's own exit requests (fatal errors) must keep their status through our halting shutdown hook.
    Exit.setExitProcedure((status, message) -> exit(status));
    Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "local-kafka-shutdown"));

    long startNanos = System.nanoTime();
    String bootstrap;
    try {
      bootstrap = start();
    } catch (Exception e) {
      if (!shuttingDown) {
        log.error("local-kafka failed to start: {}", describe(e));
        log.debug("start-up failure", e);
      }
      exit(EXIT_FAILED);
      return;
    }
    log.info("broker ready at {} after {} ms", bootstrap,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    readyOut.println("ready bootstrap=" + bootstrap);
    readyOut.flush();

    server.awaitShutdown();
    if (!shuttingDown) {
      log.error("local-kafka: the broker stopped on its own; see the warnings above");
      exit(EXIT_FAILED);
    }
  }

  /** Steps: data dir, ports, config, format if new, start, wait until an Admin client sees the broker. */
  private String start() throws Exception {
    Path dataDir = options.dataDir().orElse(null);
    if (dataDir == null) {
      dataDir = Files.createTempDirectory("local-kafka-");
      temporaryDataDir = dataDir;
    }
    Files.createDirectories(dataDir);

    int[] ports = resolvePorts();
    int port = ports[0];
    int controllerPort = ports[1];

    KraftNode node = new KraftNode(options, log);
    KafkaConfig config = new KafkaConfig(node.properties(dataDir, port, controllerPort), false);
    node.formatIfNew(config, dataDir);

    KafkaRaftServer started = new KafkaRaftServer(config, Time.SYSTEM);
    server = started;
    started.startup();

    String bootstrap = hostPort(options.host(), port);
    awaitVisible(bootstrap);
    return bootstrap;
  }

  private void awaitVisible(String bootstrap)
      throws ExecutionException, InterruptedException, TimeoutException {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "local-kafka-ready-check");
    try (Admin admin = Admin.create(props)) {
      // The Admin client retries on its own until timeoutMs; the outer get only guards against a hang.
      Collection<Node> nodes = admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) READY_TIMEOUT.toMillis()))
          .nodes()
          .get(READY_TIMEOUT.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
      if (nodes.isEmpty()) {
        throw new IllegalStateException("the broker at " + bootstrap + " reports no live nodes");
      }
    }
  }

  /** Shutdown hook: stop the broker, drop a temporary data dir, exit with the recorded status. */
  private void shutdown() {
    shuttingDown = true;
    KafkaRaftServer running = server;
    if (running != null) {
      try {
        running.shutdown();
        running.awaitShutdown();
      } catch (RuntimeException e) {
        log.warn("local-kafka: broker shutdown failed: {}", describe(e));
      }
    }
    Path temporary = temporaryDataDir;
    if (temporary != null) {
      deleteRecursively(temporary);
    }
    // A JVM ended by SIGTERM/SIGINT otherwise exits 143/130; a clean stop is a success for our callers.
    Runtime.getRuntime().halt(exitStatus);
  }

  private void exit(int status) {
    if (!shuttingDown) {
      exitStatus = status;
    }
    System.exit(status);
  }

  private void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      log.warn("local-kafka: could not delete temporary data dir {}: {}", dir, describe(e));
    }
  }

  /**
   * Replaces a port of 0 by a free one; returns {client port, controller port}, always two different ports.
   * A small race remains between closing the probe sockets and the broker binding the ports.
   */
  private int[] resolvePorts() throws IOException {
    InetAddress address = InetAddress.getByName(options.host());
    int port = options.port();
    int controllerPort = options.controllerPort();
    checkFree(address, port, "--port");
    checkFree(address, controllerPort, "--controller-port");
    if (port != 0 && controllerPort != 0) {
      return new int[] {port, controllerPort};
    }
    // Held open together, so the two differ, and at least one differs from a port given explicitly.
    try (ServerSocket first = new ServerSocket(0, 1, address);
         ServerSocket second = new ServerSocket(0, 1, address)) {
      int a = first.getLocalPort();
      int b = second.getLocalPort();
      if (port == 0 && controllerPort == 0) {
        return new int[] {a, b};
      }
      return port == 0
          ? new int[] {a != controllerPort ? a : b, controllerPort}
          : new int[] {port, a != port ? a : b};
    }
  }

  /** Fails early, in one readable line, on the commonest start-up error: a port already taken. */
  private static void checkFree(InetAddress address, int port, String option) throws IOException {
    if (port == 0) {
      return;
    }
    try {
      new ServerSocket(port, 1, address).close();
    } catch (BindException e) {
      throw new IOException(
          option + " " + port + ": " + hostPort(address.getHostAddress(), port) + " is already in use", e);
    }
  }

  static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** One line naming the failure and its root cause, for the single error line callers see. */
  private static String describe(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getName();
    return root == failure || message.contains(String.valueOf(root.getMessage())) ? message
        : message + " (cause: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }
}

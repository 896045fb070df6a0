package io.ackcoord.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in its own OS process ({@code bin/local-kafka}), which a test can stop, kill, pause and
 * restart on the same port and data dir: the failures the ACK coordinator must survive, with clients that
 * reconnect to the same address.
 *
 * <p>The repository root is found by walking up from {@code user.dir} to the directory holding
 * {@code bin/local-kafka}; set the system property {@value #ROOT_PROPERTY} to point elsewhere.
 */
public final class LocalKafkaProcess implements KafkaBroker, AutoCloseable {

  /** System property naming the repository root (the directory that holds {@code bin/local-kafka}). */
  public static final String ROOT_PROPERTY = "ackcoord.root";
  /** Default wait for the ready line; covers a cold JVM on a slow CI machine, not a first Maven build. */
  public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(90);

  private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaProcess.class);
  private static final String LAUNCHER = "bin/local-kafka";
  private static final String HOST = "127.0.0.1";
  private static final Pattern READY = Pattern.compile("^ready bootstrap=(\\S+)$");
  /** The broker shuts down in well under a second; the rest is margin for a loaded machine. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private final Path launcher;
  private final Path workDir;
  private final boolean deleteWorkDirOnClose;
  private final int port;
  private final Map<String, String> overrides;
  private final Duration readyTimeout;
  private final String javaOpts;
  private final Object lifecycle = new Object();
  /** Replaced under {@link #lifecycle}; volatile so getters never wait behind a restart. */
  private volatile ManagedProcess process;
  /** Guarded by {@link #lifecycle}. */
  private int starts;
  private volatile String bootstrapServers;

  private LocalKafkaProcess(Builder builder, Path workDir, boolean deleteWorkDirOnClose, int port) {
    this.launcher = builder.root.resolve(LAUNCHER);
    this.workDir = workDir;
    this.deleteWorkDirOnClose = deleteWorkDirOnClose;
    this.port = port;
    this.overrides = Map.copyOf(builder.overrides);
    this.readyTimeout = builder.readyTimeout;
    this.javaOpts = builder.javaOpts;
  }

  /** Options of a broker to start; {@link Builder#start()} starts it and waits until it is ready. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts a broker on a free port with a temporary work dir (deleted by {@link #close()}). */
  public static LocalKafkaProcess start() {
    return builder().start();
  }

  /** {@code 127.0.0.1:PORT}, the same across restarts. */
  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The client port, fixed for the life of this object so clients reconnect after a restart. */
  public int port() {
    return port;
  }

  /** The broker's storage; kept across {@link #stop()} / {@link #restart()}. */
  public Path dataDir() {
    return workDir.resolve("data");
  }

  /** Log of the current (or last) run: the broker's stderr, for reading when a test fails. */
  public Path logFile() {
    return process.logFile();
  }

  /** OS process id of the current (or last) run. */
  public long pid() {
    return process.pid();
  }

  /** True while the broker process runs (also while paused). */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Stops the broker cleanly (SIGTERM, SIGKILL after 30 s), keeping its data for {@link #restart()}.
   *
   * @throws IllegalStateException if the broker did not exit with status 0
   */
  public void stop() {
    synchronized (lifecycle) {
      int status = process.stop(STOP_GRACE);
      if (status != 0) {
        throw new IllegalStateException(process + " exited with status " + status + " on SIGTERM; log: "
            + process.logFile() + System.lineSeparator() + process.recentOutput());
      }
    }
  }

  /** Kills the broker with SIGKILL, as a crash or power loss would; {@link #restart()} recovers it. */
  public void kill() {
    synchronized (lifecycle) {
      process.kill();
    }
  }

  /** Freezes the broker (SIGSTOP): connections stay open but nothing is answered, as in a long GC pause. */
  public void pause() {
    synchronized (lifecycle) {
      process.pause();
    }
  }

  /** Continues a broker frozen by {@link #pause()}. */
  public void resume() {
    synchronized (lifecycle) {
      process.resume();
    }
  }

  /**
   * Starts the broker again on the same port and data dir (stopping it first if it still runs) and waits until
   * it is ready; topics, records and committed offsets written before are still there.
   */
  public void restart() {
    synchronized (lifecycle) {
      if (process.isAlive()) {
        stop();
      }
      launch();
    }
  }

  /** Stops the broker; deletes the work dir if this object created it. */
  @Override
  public void close() {
    synchronized (lifecycle) {
      process.stop(STOP_GRACE);
    }
    if (deleteWorkDirOnClose) {
      deleteRecursively(workDir);
    }
  }

  @Override
  public String toString() {
    return "local-kafka at " + bootstrapServers + " (" + LAUNCHER + ", data " + dataDir() + ")";
  }

  /** Guarded by {@link #lifecycle}. */
  private void launch() {
    starts++;
    List<String> command = new ArrayList<>(List.of(
        launcher.toString(), "--host", HOST, "--port", Integer.toString(port), "--data-dir", dataDir().toString()));
    overrides.forEach((key, value) -> command.addAll(List.of("--override", key + "=" + value)));
    ManagedProcess.Builder builder = ManagedProcess.builder("local-kafka", command)
        .directory(launcher.getParent().getParent())
        .logFile(workDir.resolve("local-kafka-" + starts + ".log"));
    if (javaOpts != null) {
      builder.env("LOCAL_KAFKA_JAVA_OPTS", javaOpts);
    }
    long startNanos = System.nanoTime();
    process = builder.start();
    try {
      bootstrapServers = process.awaitLine(READY, readyTimeout).group(1);
    } catch (RuntimeException e) {
      process.kill();
      throw new IllegalStateException("local Kafka broker did not become ready: " + e.getMessage(), e);
    }
    LOG.info("{} ready in {} ms (pid {}, log {})", this, Duration.ofNanos(System.nanoTime() - startNanos).toMillis(),
        process.pid(), process.logFile());
  }

  static Path locateRoot() {
    String configured = System.getProperty(ROOT_PROPERTY);
    if (configured != null) {
      Path root = Path.of(configured).toAbsolutePath().normalize();
      if (!Files.isExecutable(root.resolve(LAUNCHER))) {
        throw new IllegalStateException("-D" + ROOT_PROPERTY + "=" + configured + " has no executable " + LAUNCHER);
      }
      return root;
    }
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isExecutable(dir.resolve(LAUNCHER))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "no " + LAUNCHER + " in " + start + " or above; run from the repository or set -D" + ROOT_PROPERTY);
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not delete {}: {}", dir, e.toString());
    }
  }

  /** Options of a {@link LocalKafkaProcess}; every one has a default. */
  public static final class Builder {
    private Path root;
    private Path workDir;
    private int port;
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
    private String javaOpts;

    private Builder() {}

    /** Directory for the broker's data ({@code data/}) and logs (one file per start); default: a temp dir. */
    public Builder workDir(Path workDir) {
      this.workDir = workDir;
      return this;
    }

    /** Client port; default: a free port, picked once and kept across restarts. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** An extra broker property ({@code --override key=value}). */
    public Builder override(String key, String value) {
      overrides.put(key, value);
      return this;
    }

    /** How long to wait for the broker's ready line; default {@link #DEFAULT_READY_TIMEOUT}. */
    public Builder readyTimeout(Duration readyTimeout) {
      this.readyTimeout = readyTimeout;
      return this;
    }

    /** JVM options of the broker ({@code LOCAL_KAFKA_JAVA_OPTS}); default: the launcher's. */
    public Builder javaOpts(String javaOpts) {
      this.javaOpts = javaOpts;
      return this;
    }

    /** Repository root holding {@code bin/local-kafka}; default: see {@link LocalKafkaProcess}. */
    public Builder root(Path root) {
      this.root = root;
      return this;
    }

    /**
     * Starts the broker and waits for its ready line.
     *
     * @throws IllegalStateException if it does not become ready in time; the message has its last output
     */
    public LocalKafkaProcess start() {
      if (root == null) {
        root = locateRoot();
      }
      boolean temporary = workDir == null;
      Path dir;
      try {
        dir = temporary ? Files.createTempDirectory("ackcoord-local-kafka-") : workDir;
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the broker work dir", e);
      }
      LocalKafkaProcess broker = new LocalKafkaProcess(this, dir.toAbsolutePath(), temporary,
          port != 0 ? port : Ports.free());
      try {
        synchronized (broker.lifecycle) {
          broker.launch();
        }
      } catch (RuntimeException e) {
        if (temporary) {
          deleteRecursively(dir);
        }
        throw e;
      }
      return broker;
    }
  }
}

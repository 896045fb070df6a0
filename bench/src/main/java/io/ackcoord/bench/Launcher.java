package io.ackcoord.bench;

import io.ackcoord.testkit.ManagedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Starts the benchmark's other processes the way users run them: B and the pending-capacity A with
 * {@code bin/vertx run}, configured through environment variables; the baseline's and the share group's consumers
 * with {@code java -cp} on this JVM's classpath. Each waits until its process says it is ready.
 */
final class Launcher {

  private static final Pattern A_READY = Pattern.compile("Producer A .* ready");
  private static final Pattern B_READY = Pattern.compile("Consumer B .* started");
  private static final Pattern BASELINE_READY = Pattern.compile(Pattern.quote(BaselineConsumer.READY));
  private static final Pattern SHARE_READY = Pattern.compile(Pattern.quote(ShareGroupConsumer.READY));
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /**
   * In every JVM of the run (bin/bench adds it to its own): JFR then charges a sample taken between safepoints to
   * the method it was in. Without it samples pile up on whatever inlined code sits next to a safepoint's debug info.
   */
  static final String PROFILING_OPTS = "-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints";
  /** B's heap, and the plain Kafka peers' consumers' (the same). */
  private static final String BASELINE_HEAP = "-Xms256m -Xmx512m";
  private final Path root;
  private final Path logDir;
  private final String bootstrap;
  /** JVM options added to every JVM started here, as bin/bench adds them to its own (a GC setting under test). */
  private final String extraJavaOpts = System.getenv().getOrDefault("BENCH_JAVA_OPTS", "").trim();
  private int started;

  Launcher(Path root, Path logDir, String bootstrap) {
    this.root = root;
    this.logDir = logDir;
    this.bootstrap = bootstrap;
  }

  /** The JVM options added to every JVM started here ({@code BENCH_JAVA_OPTS}), empty if none. */
  String extraJavaOpts() {
    return extraJavaOpts;
  }

  /**
   * Consumer B, default handler, in {@code guarantee} mode, on the topics of {@code prefix}, reading topic 1 in
   * {@code consumerMode} ({@code group} or {@code share}).
   */
  ManagedProcess consumerB(String name, String prefix, String guarantee, String consumerMode) {
    return consumerB(name, prefix, guarantee, consumerMode, Map.of());
  }

  /** {@link #consumerB(String, String, String, String)} with {@code extra} added to its environment config. */
  ManagedProcess consumerB(String name, String prefix, String guarantee, String consumerMode,
      Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "CONSUMER_GROUP_ID", prefix + "b",
        "CONSUMER_INSTANCE_ID", name,
        "PROCESSING_GUARANTEE", guarantee,
        "CONSUMER_MODE", consumerMode,
        "HTTP_PORT", "-1"));
    env.putAll(extra);
    return vertx(name, "io.ackcoord.consumer.ConsumerVerticle", prefix, BASELINE_HEAP, env, B_READY);
  }

  /** Producer A in a JVM of its own with {@code javaOpts}; {@code env} overrides its config. */
  ManagedProcess producerA(String name, String prefix, String javaOpts, Map<String, String> env) {
    return vertx(name, "io.ackcoord.producer.ProducerVerticle", prefix, javaOpts, env, A_READY);
  }

  /** The baseline's consumer ({@link BaselineConsumer}), with the same heap as B. */
  ManagedProcess baselineConsumer(String prefix, int partitions) {
    return java("baseline-consumer", BaselineConsumer.class, BASELINE_READY, prefix, prefix + "b",
        Integer.toString(partitions));
  }

  /** The share group's consumer process ({@link ShareGroupConsumer}) with {@code consumers} share consumers. */
  ManagedProcess shareGroupConsumer(String prefix, int partitions, int consumers) {
    return java("share-group-consumer", ShareGroupConsumer.class, SHARE_READY, prefix, prefix + "share",
        Integer.toString(partitions), Integer.toString(consumers));
  }

  // A main class of this module on this JVM's classpath, with B's heap; its arguments start with the bootstrap.
  private ManagedProcess java(String name, Class<?> main, Pattern ready, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of((BASELINE_HEAP + " " + PROFILING_OPTS + " " + extraJavaOpts).trim().split("\\s+")));
    command.addAll(List.of("-Dlogback.configurationFile=" + root.resolve("conf/logback.xml"),
        "-cp", System.getProperty("java.class.path"), main.getName(), bootstrap));
    command.addAll(List.of(args));
    ManagedProcess p = ManagedProcess.builder(name, command)
        .directory(root)
        .logFile(logDir.resolve(name + "-" + (++started) + ".log"))
        .start();
    p.awaitLine(ready, START_TIMEOUT);
    return p;
  }

  private ManagedProcess vertx(String name, String verticle, String prefix, String javaOpts, Map<String, String> env,
      Pattern ready) {
    ManagedProcess.Builder builder = ManagedProcess.builder(name,
            List.of(root.resolve("bin/vertx").toString(), "run", verticle))
        .directory(root)
        .logFile(logDir.resolve(name + "-" + (++started) + ".log"))
        .env("KAFKA_BOOTSTRAP_SERVERS", bootstrap)
        .env("TOPIC_PREFIX", prefix)
        .env("ACKCOORD_JAVA_OPTS", (javaOpts + " " + PROFILING_OPTS + " " + extraJavaOpts).trim())
        .env("VERTX_CONFIG_PATH", "")
        .env("ACKCOORD_NO_BUILD", "1");
    env.forEach(builder::env);
    ManagedProcess p = builder.start();
    p.awaitLine(ready, START_TIMEOUT);
    return p;
  }
}

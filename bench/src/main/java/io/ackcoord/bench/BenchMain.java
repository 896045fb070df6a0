package io.ackcoord.bench;

import static io.ackcoord.bench.BenchReport.AT_LEAST_ONCE;
import static io.ackcoord.bench.BenchReport.AT_LEAST_ONCE_SHARE;
import static io.ackcoord.bench.BenchReport.AT_LEAST_ONCE_TRACED;
import static io.ackcoord.bench.BenchReport.BASELINE;
import static io.ackcoord.bench.BenchReport.EXACTLY_ONCE;
import static io.ackcoord.bench.BenchReport.SHARE_GROUP;

import io.ackcoord.kafka.TopicNames;
import io.ackcoord.testkit.KafkaTestClients;
import io.ackcoord.testkit.ManagedProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * {@code bin/bench}: ackcoord (at-least-once, exactly-once, and at-least-once with B in share mode) against two plain
 * Kafka pipelines (a consumer group, a share group) on one broker, in one run. Prints its progress, writes {@code BENCHMARKS.md} and the plots, and ends with the one-line verdict.
 *
 * <pre>BenchMain --bootstrap HOST:PORT --root DIR --out DIR [--quick] [--kafka-version V] [--payload-bytes N]
 *           [--pending N] [--window N] [--broker-pid PID] [--command TEXT]</pre>
 *
 * <p>A command-line tool: its progress and verdict on stdout are its interface, not logging.
 */
public final class BenchMain {

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
  /**
   * Share consumers of the share-group peer, all in one process. One: the baseline's consumer's budget (one process,
   * one poll thread, one event loop, one result producer), so the two plain peers differ only in the kind of group.
   * A share group may have more consumers than partitions (the baseline's group may not usefully), but on this
   * machine's two cores more poll threads would buy CPU the others do not get.
   */
  static final int SHARE_CONSUMERS = 1;
  /** Columns of the CPU tables: this JVM, the broker, and at-least-once's B (the B of the HTTP phases). */
  static final String JVM = "benchmark JVM";
  static final String BROKER = "broker";
  static final String B_HTTP = "B at-least-once";
  private final BenchSettings settings;
  private final String bootstrap;
  private final Path root;
  private final Path runDir;
  private final Launcher launcher;
  private final LoadGenerator load;
  private final String runId = Long.toString(System.currentTimeMillis() / 1000 % 1_000_000);
  private final long brokerPid;
  private Vertx vertx;

  private BenchMain(BenchSettings settings, String bootstrap, Path root, Path runDir, long brokerPid) {
    this.settings = settings;
    this.brokerPid = brokerPid;
    this.bootstrap = bootstrap;
    this.root = root;
    this.runDir = runDir;
    this.launcher = new Launcher(root, runDir, bootstrap);
    this.load = new LoadGenerator(new Payloads(settings.payloadBytes(), 42));
  }

  public static void main(String[] args) {
    BenchArgs a = BenchArgs.parse(args);
    BenchMain bench = new BenchMain(a.settings(), a.bootstrap, a.root, a.root.resolve("bench/target/bench-run"),
        a.brokerPid);
    String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    BenchReport report = bench.run(a.command, started, Machine.current(a.kafkaVersion));
    Path md = a.out.resolve("BENCHMARKS.md");
    Path images = a.out.resolve("bench");
    Charts.latency(report.latency(), images.resolve("latency.png"));
    List<SaturationResult> bars = new ArrayList<>(report.saturation());
    report.http().stream().filter(h -> h.endpoint() == HttpResult.Endpoint.SINGLE).forEach(h -> bars.add(
        new SaturationResult(h.system() + ", HTTP POST (202)", h.perSecond(), h.accepted(), h.refused(),
            h.seconds())));
    Charts.throughput(bars, images.resolve("throughput.png"));
    write(md, Markdown.render(report, "bench", read(images.resolve("analysis.md"))));
    log("wrote " + md + " and " + images + "/{latency,throughput}.png");
    System.out.println("exactly-once: throughput ratio "
        + Format.ratio(report.throughputRatio(EXACTLY_ONCE).orElse(Double.NaN)) + ", p99 "
        + Format.ms(report.atReferenceRate(EXACTLY_ONCE).map(LatencyResult::p99Ms).orElse(Double.NaN)));
    System.out.println("share group: throughput ratio "
        + Format.ratio(report.throughputRatio(SHARE_GROUP).orElse(Double.NaN)) + ", p99 "
        + Format.ms(report.atReferenceRate(SHARE_GROUP).map(LatencyResult::p99Ms).orElse(Double.NaN)));
    System.out.println("at-least-once, share mode: throughput ratio "
        + Format.ratio(report.throughputRatio(AT_LEAST_ONCE_SHARE).orElse(Double.NaN)) + ", p99 "
        + Format.ms(report.atReferenceRate(AT_LEAST_ONCE_SHARE).map(LatencyResult::p99Ms).orElse(Double.NaN)));
    System.out.println(report.finalLine());
    Targets.evaluate(report).forEach(t -> System.out.println(t.line()));
    System.exit(0);
  }

  private BenchReport run(String command, String started, Machine machine) {
    vertx = Vertx.vertx();
    try {
      String loadAtStart = Machine.loadAverage();
      log("machine: " + machine.cpu() + " x " + machine.cpus() + ", " + Format.mb(machine.memoryBytes()) + ", "
          + machine.jdk() + ", Kafka " + machine.kafkaBroker() + " on " + bootstrap);
      List<SaturationResult> saturation = new ArrayList<>();
      List<LatencyResult> latency = new ArrayList<>();
      List<HotSpots.Profile> profiles = new ArrayList<>();
      List<CpuUse> cpu = new ArrayList<>();
      List<HttpResult> http = comparison(saturation, latency, profiles, cpu);
      double reference = Math.round(saturation.get(0).perSecond() * BenchSettings.REFERENCE_FRACTION);

      long shortCount = Math.round(settings.pendingCount() * BenchSettings.SHORT_FRACTION);
      List<PendingResult> pending = new ArrayList<>();
      for (int payload : settings.pendingPayloads()) {
        String heap = settings.pendingHeapFor(payload);
        log("pending capacity, " + payload + "-byte payloads: " + settings.pendingCount() + " messages, the first "
            + shortCount + " with a " + settings.pendingShortTimeout().toSeconds() + " s timeout, the rest "
            + settings.pendingAckTimeout().toSeconds() + " s; A -Xmx" + heap);
        PendingResult p = new PendingCapacity(launcher, vertx, BenchMain::log)
            .run(prefix("pending" + payload), payload, settings.pendingCount(), heap,
                settings.pendingAckTimeout().toMillis(), shortCount, settings.pendingShortTimeout().toMillis(),
                settings.pendingDrain());
        if (p.timers() == null) {
          log("timer lateness: not reported by this build");
        }
        pending.add(p);
      }
      List<BenchReport.Setting> table = new ArrayList<>(settingsTable());
      table.add(new BenchReport.Setting("load average (1, 5, 15 min) at start → end",
          loadAtStart + " → " + Machine.loadAverage()));
      return new BenchReport(command, started, machine, table, saturation, http, latency, reference,
          pending, profiles, cpu);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null)
          .join();
    }
  }

  /**
   * The five systems side by side, all running at once and measured in turn, so that the machine's other load
   * falls on each alike: saturation in rounds (the median counts; each process's CPU read over each round), then
   * each offered rate for each system, then JFR on at-least-once, then the HTTP phases.
   *
   * @return the HTTP phases: A's (at-least-once) and the bridge's
   */
  private List<HttpResult> comparison(List<SaturationResult> saturation, List<LatencyResult> latency,
      List<HotSpots.Profile> profiles, List<CpuUse> cpu) {
    List<AutoCloseable> started = new ArrayList<>();
    try {
      String basePrefix = prefix("base");
      TopicNames topics = new TopicNames(basePrefix);
      KafkaTestClients.createTopics(bootstrap, settings.partitions(), topics.messages(), topics.results());
      String sharePrefix = prefix("share");
      TopicNames shareTopics = new TopicNames(sharePrefix);
      KafkaTestClients.createTopics(bootstrap, settings.partitions(), shareTopics.messages(), shareTopics.results());
      log("starting the baseline consumer, " + shareConsumers() + ", B at-least-once, B exactly-once and B "
          + "at-least-once in share mode, and deploying three As");
      ManagedProcess baseConsumer = add(started, launcher.baselineConsumer(basePrefix, settings.partitions()));
      BaselinePipeline base = add(started, new BaselinePipeline(BASELINE, bootstrap, topics.messages(),
          topics.results(), settings.partitions()));
      ManagedProcess shareConsumer = add(started, launcher.shareGroupConsumer(sharePrefix, settings.partitions(),
          SHARE_CONSUMERS));
      BaselinePipeline share = add(started, new BaselinePipeline(SHARE_GROUP, bootstrap, shareTopics.messages(),
          shareTopics.results(), settings.partitions()));
      ManagedProcess bAlo = add(started, launcher.consumerB("b-at-least-once", prefix("alo"), "at-least-once",
          "group"));
      AckcoordPipeline alo = add(started, ackcoord(AT_LEAST_ONCE, "alo", "bench-at-least-once"));
      ManagedProcess bEo = add(started, launcher.consumerB("b-exactly-once", prefix("eo"), "exactly-once", "group"));
      AckcoordPipeline eo = add(started, ackcoord(EXACTLY_ONCE, "eo", "bench-exactly-once"));
      // Last, so the first four keep their places (and colours) in the report.
      ManagedProcess bAloShare = add(started, launcher.consumerB("b-at-least-once-share", prefix("alos"),
          "at-least-once", "share"));
      AckcoordPipeline aloShare = add(started, ackcoord(AT_LEAST_ONCE_SHARE, "alos", "bench-at-least-once-share"));
      // Tracing's cost: at saturation only, beside the same pipeline untraced.
      TraceSink traceSink = add(started, new TraceSink(vertx));
      String sink = "http://127.0.0.1:" + traceSink.port();
      ManagedProcess bTraced = add(started, launcher.consumerB("b-at-least-once-traced", prefix("alot"),
          "at-least-once", "group", Map.of("TRACING_OTLP_ENDPOINT", sink)));
      AckcoordPipeline traced = add(started, ackcoord(AT_LEAST_ONCE_TRACED, "alot", "bench-at-least-once-traced",
          new JsonObject().put("tracing.otlp.endpoint", sink)));
      List<Pipeline> systems = List.of(base, share, alo, eo, aloShare);
      List<Pipeline> saturated = List.of(base, share, alo, eo, aloShare, traced);
      CpuMeter cpuMeter = new CpuMeter();
      cpuMeter.add(JVM, ProcessHandle.current().pid());
      if (brokerPid > 0) {
        cpuMeter.add(BROKER, brokerPid);
      }
      cpuMeter.add(BASELINE + " consumer", baseConsumer.pid());
      cpuMeter.add(SHARE_GROUP + " consumer", shareConsumer.pid());
      cpuMeter.add(B_HTTP, bAlo.pid());
      cpuMeter.add("B exactly-once", bEo.pid());
      cpuMeter.add("B at-least-once, share mode", bAloShare.pid());
      cpuMeter.add("B at-least-once, traced", bTraced.pid());

      for (Pipeline p : saturated) {
        load.closedLoop(p, ids(p) + "warm-", settings.window(), settings.warmup(), Duration.ofSeconds(1),
            settings.drain());
        warmUntilCompiled(p.name(), round -> {
          CpuMeter.Span span = cpuMeter.span();
          SaturationResult r = load.closedLoop(p, ids(p) + "jit" + round + "-", settings.window(), Duration.ZERO,
              BenchSettings.JIT_ROUND, settings.drain(), span);
          return span.of(r);
        });
      }
      log("warmed up; saturation in " + settings.rounds() + " rounds");
      Map<String, List<SaturationResult>> rounds = new LinkedHashMap<>();
      Map<String, List<CpuUse>> cpuRounds = new LinkedHashMap<>();
      for (int round = 1; round <= settings.rounds(); round++) {
        for (Pipeline p : saturated) {
          CpuMeter.Span span = cpuMeter.span();
          SaturationResult r = load.closedLoop(p, ids(p) + "sat" + round + "-", settings.window(),
              Duration.ofSeconds(1), settings.saturation(), settings.drain(), span);
          rounds.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(r);
          cpuRounds.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(span.of(r));
          log(String.format(Locale.ROOT, "round %d: %s %s msg/s (%d failed)", round, p.name(),
              Format.count(r.perSecond()), r.failed()));
        }
      }
      rounds.values().forEach(r -> saturation.add(SaturationResult.median(r)));
      double baseline = saturation.get(0).perSecond();
      saturation.forEach(r -> log(String.format(Locale.ROOT, "saturation %s: %s msg/s (median), ratio %s",
          r.system(), Format.count(r.perSecond()), Format.ratio(r.perSecond() / baseline))));
      cpuRounds.values().forEach(c -> cpu.add(CpuUse.sum(c)));
      cpu.forEach(c -> log(String.format(Locale.ROOT,
          "CPU %s: %s per message in all processes (%s), of which JIT %s, %.2f cores",
          c.system(), Format.micros(c.totalMicrosPerMessage()), String.join(", ", c.cpuSeconds().keySet().stream()
              .map(process -> process + " " + Format.micros(c.microsPerMessage(process))).toList()),
          Format.micros(c.jitMicrosPerMessage()), c.cores())));
      log("trace sink received " + traceSink.received());
      BenchReport.tracingCost(cpu).ifPresent(BenchMain::log);

      Map<String, Double> capacity = new LinkedHashMap<>();
      saturation.forEach(r -> capacity.put(r.system(), r.perSecond()));
      for (double fraction : settings.rateFractions()) {
        double rate = Math.round(baseline * fraction);
        for (Pipeline p : systems) {
          // Above a system's own saturation the backlog only grows and the latency measures the phase's length
          // (an overloaded run's backlog once filled this JVM's 2 GB heap); the targets' reference rate always runs.
          if (rate > capacity.get(p.name()) && fraction != BenchSettings.REFERENCE_FRACTION) {
            log(String.format(Locale.ROOT, "%s at %s msg/s: not run, above its saturation", p.name(),
                Format.count(rate)));
            latency.add(LatencyResult.notRun(p.name(), rate));
            continue;
          }
          latency.add(openLoop(p, p.name(), rate, ids(p)));
        }
      }
      if (!settings.profile().isZero()) {
        profiles.addAll(profile(alo, bAlo, ids(alo)));
      }
      return http(alo.httpPort(), cpuMeter);
    } finally {
      for (int i = started.size() - 1; i >= 0; i--) {
        try {
          started.get(i).close();
        } catch (Exception e) {
          log("closing " + started.get(i) + " failed: " + e);
        }
      }
    }
  }

  /**
   * wrk against A's HTTP API and against the bridge, single POSTs then batches, A and the bridge in turn, each after
   * an unrecorded wrk run of its own; B keeps ACKing A's messages meanwhile.
   */
  private List<HttpResult> http(int aPort, CpuMeter cpu) {
    String topic = prefix("bridge") + "messages";
    KafkaTestClients.createTopics(bootstrap, settings.partitions(), topic);
    HttpBridge bridge = new HttpBridge(bootstrap, topic);
    String deployment = AckcoordPipeline.join(vertx.deployVerticle(bridge).toCompletionStage(),
        Duration.ofSeconds(60));
    try {
      Wrk wrk = new Wrk(root, runDir);
      List<HttpResult> results = new ArrayList<>();
      for (HttpResult.Endpoint endpoint : HttpResult.Endpoint.values()) {
        boolean single = endpoint == HttpResult.Endpoint.SINGLE;
        int connections = single ? settings.httpConnections() : settings.batchConnections();
        for (String server : List.of(BenchReport.HTTP_A, BenchReport.HTTP_BRIDGE)) {
          int port = server.equals(BenchReport.HTTP_A) ? aPort : bridge.port();
          String ids = "http-" + runId + "-" + endpoint.mode() + "-" + (port == aPort ? "a" : "bridge");
          wrk.run(server, endpoint, port, connections, settings.batchItems(), settings.payloadBytes(),
              settings.httpWarmup(), ids + "-warm", cpu);
          warmUntilCompiled("HTTP " + endpoint.request() + ", " + server, round -> wrk.run(server, endpoint, port,
              connections, settings.batchItems(), settings.payloadBytes(), BenchSettings.JIT_ROUND,
              ids + "-jit" + round, cpu).cpu());
          HttpResult h = wrk.run(server, endpoint, port, connections, settings.batchItems(),
              settings.payloadBytes(), settings.http(), ids, cpu);
          log(String.format(Locale.ROOT, "HTTP %s, %s: %s msg/s, p50 %s, p99 %s; %d refused, %d errors",
              endpoint.request(), server, Format.count(h.perSecond()), Format.ms(h.p50Ms()), Format.ms(h.p99Ms()),
              h.refused(), h.errors()));
          results.add(h);
        }
      }
      return results;
    } finally {
      AckcoordPipeline.join(vertx.undeploy(deployment).toCompletionStage(), Duration.ofSeconds(30));
    }
  }

  private AckcoordPipeline ackcoord(String system, String shortName, String producerId) {
    return ackcoord(system, shortName, producerId, new JsonObject());
  }

  private AckcoordPipeline ackcoord(String system, String shortName, String producerId, JsonObject extra) {
    return new AckcoordPipeline(vertx, system, extra.copy()
        .put("kafka.bootstrap.servers", bootstrap)
        .put("topic.prefix", prefix(shortName))
        .put("topic.partitions", settings.partitions())
        .put("producer.id", producerId)
        .put("http.host", "127.0.0.1")
        .put("http.port", 0)
        .put("config.scan.period.ms", 0)
        // Long enough that the overloaded rates measure queueing, not re-sends of queued messages.
        .put("ack.timeout.ms", 60_000));
  }

  /**
   * Runs {@code round} (a warm-up round of {@link BenchSettings#JIT_ROUND}, its CPU measured) until the JIT compiler
   * threads take less than {@link BenchSettings#JIT_SETTLED} of the CPU in one, or for at most
   * {@link BenchSettings#jitWarmup}.
   */
  private void warmUntilCompiled(String what, java.util.function.IntFunction<CpuUse> round) {
    int most = (int) (settings.jitWarmup().toSeconds() / BenchSettings.JIT_ROUND.toSeconds());
    double share = Double.NaN;
    for (int i = 1; i <= most; i++) {
      share = round.apply(i).jitShare();
      if (share < BenchSettings.JIT_SETTLED) {
        log(String.format(Locale.ROOT, "%s: JIT compiling %.1f %% of the CPU after %d more warm-up round(s)", what,
            share * 100, i));
        return;
      }
    }
    log(String.format(Locale.ROOT, "%s: JIT compiling still %.1f %% of the CPU after %d more warm-up rounds; "
        + "measuring anyway", what, share * 100, most));
  }

  private static <T extends AutoCloseable> T add(List<AutoCloseable> started, T resource) {
    started.add(resource);
    return resource;
  }

  private static String ids(Pipeline p) {
    return p.name().replaceAll("[^A-Za-z0-9]+", "-") + "-";
  }

  private LatencyResult openLoop(Pipeline p, String system, double rate, String ids) {
    LatencyResult r = load.openLoop(p, ids + "r" + Math.round(rate) + "-", rate, settings.rateWarmup(),
        settings.rateMeasure(), settings.drain(), settings.settle());
    LatencyResult named = new LatencyResult(system, r.rate(), r.sent(), r.completed(), r.failed(), r.incomplete(),
        r.p50Ms(), r.p99Ms(), r.p999Ms(), r.maxMs());
    log(String.format(Locale.ROOT, "%s at %s msg/s: p50 %s, p99 %s, p99.9 %s, max %s; %d/%d completed", system,
        Format.count(rate), Format.ms(r.p50Ms()), Format.ms(r.p99Ms()), Format.ms(r.p999Ms()), Format.ms(r.maxMs()),
        r.completed(), r.sent()));
    return named;
  }

  // JFR on this JVM (A and the load generator) and on B during an extra saturation phase that is not counted.
  private List<HotSpots.Profile> profile(AckcoordPipeline a, ManagedProcess b, String ids) {
    Path local = runDir.resolve("a-" + runId + ".jfr");
    Path remote = runDir.resolve("b-" + runId + ".jfr");
    try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
      Jcmd.run(b.pid(), "JFR.start", "name=bench", "settings=profile");
      recording.start();
      load.closedLoop(a, ids + "jfr-", settings.window(), Duration.ZERO, settings.profile(), settings.drain());
      recording.stop();
      recording.dump(local);
      Jcmd.run(b.pid(), "JFR.stop", "name=bench", "filename=" + remote);
    } catch (IOException | java.text.ParseException e) {
      log("profiling failed: " + e);
      return List.of();
    }
    log("profiled A and B with JFR: " + local + ", " + remote);
    return List.of(HotSpots.summarize("A and the load generator (benchmark JVM)", local, 12),
        HotSpots.summarize("B, at-least-once (its own process)", remote, 12));
  }

  private List<BenchReport.Setting> settingsTable() {
    BenchSettings s = settings;
    return List.of(
        new BenchReport.Setting("payload", s.payloadBytes() + " random bytes"),
        new BenchReport.Setting("partitions per topic", Integer.toString(s.partitions())),
        new BenchReport.Setting("closed loop", s.window() + " in flight; " + s.warmup().toSeconds() + " s warm-up, "
            + "then up to " + s.jitWarmup().toSeconds() + " s more in rounds of " + BenchSettings.JIT_ROUND.toSeconds()
            + " s until the JIT compiler threads take under " + Math.round(BenchSettings.JIT_SETTLED * 100)
            + " % of the CPU (the same after each HTTP phase's warm-up), then " + s.rounds() + " rounds of 1 s + " + s.saturation().toSeconds() + " s measured per system, the "
            + "systems in turn; the median round counts"),
        new BenchReport.Setting("open loop", "rates " + s.rateFractions().stream()
            .map(f -> Math.round(f * 100) + " %").toList() + " of the baseline's saturation, "
            + s.rateWarmup().toSeconds() + " s warm-up + " + s.rateMeasure().toSeconds() + " s each, up to "
            + s.drain().toSeconds() + " s for stragglers (then they count as unfinished), and up to "
            + s.settle().toSeconds() + " s more, unrecorded, for an overloaded system's backlog to clear"),
        new BenchReport.Setting("A (embedded)", "defaults, except ack.timeout.ms 60000 (so the overloaded rates "
            + "measure queueing, not re-sends)"),
        new BenchReport.Setting("B (bin/vertx run)", "defaults (handler.work.ms 0, consumer.mode group), -Xmx512m; "
            + "share mode's B the same but consumer.mode share (B sets its share group to the earliest record and "
            + "read_committed; record lock the broker's default, 30 s); the baseline's and the share group's consumers "
            + "the same heap"),
        new BenchReport.Setting("share group", shareConsumers() + " in one process, explicit acknowledgement "
            + "(ACCEPT once the result is durable); group configs share.auto.offset.reset earliest, "
            + "share.isolation.level the default read_uncommitted (as the baseline's consumer reads)"),
        new BenchReport.Setting("HTTP phases", "wrk, " + Wrk.THREADS + " threads; single POSTs over "
            + s.httpConnections() + " keep-alive connections, batches of " + s.batchItems() + " over "
            + s.batchConnections() + "; each " + s.httpWarmup().toSeconds() + " s unrecorded, then "
            + s.http().toSeconds() + " s measured"),
        new BenchReport.Setting("JVM options added to every JVM but the broker's (BENCH_JAVA_OPTS)",
            launcher.extraJavaOpts().isEmpty() ? "none" : "`" + launcher.extraJavaOpts() + "`"),
        new BenchReport.Setting("JFR profile", s.profile().isZero() ? "none (--quick)"
            : s.profile().toSeconds() + " s of an extra at-least-once saturation phase"),
        new BenchReport.Setting("pending capacity", s.pendingCount() + " messages of " + String.join(" and ",
            s.pendingPayloads().stream().map(p -> p + " bytes (A -Xmx" + s.pendingHeapFor(p) + ")").toList())
            + ", ack.timeout.ms " + s.pendingAckTimeout().toMillis() + ", the first "
            + Math.round(BenchSettings.SHORT_FRACTION * 100) + " % with their own timeout of "
            + s.pendingShortTimeout().toMillis() + " ms"));
  }

  private static String shareConsumers() {
    return SHARE_CONSUMERS + (SHARE_CONSUMERS == 1 ? " share consumer" : " share consumers");
  }

  private String prefix(String system) {
    return "bench-" + runId + "-" + system + ".";
  }

  static void log(String line) {
    System.out.println(LocalTime.now().format(CLOCK) + " bench: " + line);
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path p, String text) {
    try {
      Files.createDirectories(p.getParent());
      Files.writeString(p, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.ackcoord.bench;

import io.ackcoord.testkit.ManagedProcess;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * Drives an HTTP server with wrk (Debian's {@code wrk}, which bin/bench installs) and the bench module's Lua script
 * {@code bench/src/main/wrk/submit.lua}: a load generator in a process of its own, so it takes nothing from the
 * JVM whose HTTP path is measured but CPU, like any client would.
 */
final class Wrk {

  static final String SCRIPT = "bench/src/main/wrk/submit.lua";
  /** wrk's threads: one per core of the 2-core machine the benchmark was sized for. */
  static final int THREADS = 2;
  private static final Pattern RESULT = Pattern.compile("^wrk-result (\\{.*})$");
  /** A request unanswered this long counts as a timeout (wrk's own default, 2 s, would cut off a slow batch). */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final Path root;
  private final Path logDir;
  private int runs;

  Wrk(Path root, Path logDir) {
    this.root = root;
    this.logDir = logDir;
  }

  /**
   * Runs wrk for {@code duration} against {@code port} on loopback, each message with an id starting with
   * {@code ids}, and reads its result; the CPU of {@code cpu}'s processes is read over the same time.
   */
  HttpResult run(String system, HttpResult.Endpoint endpoint, int port, int connections, int items,
      int payloadBytes, Duration duration, String ids, CpuMeter cpu) {
    int perRequest = endpoint == HttpResult.Endpoint.BATCH ? items : 1;
    List<String> command = List.of("wrk", "-t" + THREADS, "-c" + connections, "-d" + duration.toSeconds() + "s",
        "--timeout", REQUEST_TIMEOUT.toSeconds() + "s", "-s", root.resolve(SCRIPT).toString(),
        "http://127.0.0.1:" + port, "--", endpoint.mode(), Integer.toString(payloadBytes),
        Integer.toString(perRequest), ids);
    CpuMeter.Span span = cpu.span();
    MatchResult line;
    try (ManagedProcess wrk = ManagedProcess.builder("wrk", command).directory(root)
        .logFile(logDir.resolve("wrk-" + (++runs) + ".log")).start()) {
      span.start();
      line = wrk.awaitLine(RESULT, duration.plus(REQUEST_TIMEOUT).plusSeconds(30));
      span.end();
    }
    JsonObject r = new JsonObject(line.group(1));
    double seconds = r.getLong("durationUs") / 1e6;
    long accepted = r.getLong("accepted");
    SaturationResult done = new SaturationResult(system, accepted / seconds, accepted, 0, seconds);
    return new HttpResult(system, endpoint, connections, perRequest, seconds, r.getLong("requests"), accepted,
        r.getLong("refused"), r.getLong("connectErrors") + r.getLong("readErrors") + r.getLong("writeErrors")
        + r.getLong("timeouts"), ms(r, "p50Us"), ms(r, "p99Us"), ms(r, "p999Us"), ms(r, "maxUs"), span.of(done));
  }

  private static double ms(JsonObject r, String key) {
    return r.getLong(key) / 1000.0;
  }
}

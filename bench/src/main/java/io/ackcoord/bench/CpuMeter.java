package io.ackcoord.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the CPU time (user + system) of the run's processes from the OS ({@link ProcessHandle.Info#totalCpuDuration},
 * on Linux {@code /proc/PID/stat}, in 10 ms clock ticks), each process on its own: children are not added, so this
 * JVM's figure is its own and not its children's.
 *
 * <p>It also reads, per process, the CPU time of the JIT compiler's threads ({@code C1/C2 CompilerThread}, from
 * {@code /proc/PID/task}): a JVM compiles its hot code during the first minute or so of load, and a process with more
 * code to compile pays more of that inside a short measured interval. The report shows that share beside the
 * total, so a ratio can be told apart from warm-up. A compiler thread that ends within an interval loses its time
 * from that share (the JVM retires idle ones), never from the total.
 */
final class CpuMeter {

  /** {@code sysconf(_SC_CLK_TCK)}: 100 on every Linux the JDK runs on. */
  private static final long TICKS_PER_SECOND = 100;

  private final Map<String, ProcessHandle> processes = new LinkedHashMap<>();

  /** Measures {@code pid} as {@code name} (a column of the report), if it is running. */
  void add(String name, long pid) {
    ProcessHandle.of(pid).ifPresent(p -> processes.put(name, p));
  }

  /** A new interval to hand to {@link LoadGenerator#closedLoop}: it reads the counters when measuring starts and ends. */
  Span span() {
    return new Span();
  }

  private Map<String, Long> read() {
    Map<String, Long> nanos = new LinkedHashMap<>();
    processes.forEach((name, p) -> nanos.put(name, p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)));
    return nanos;
  }

  /** Per process, the CPU nanoseconds of each JIT compiler thread now alive, by thread id. */
  private Map<String, Map<String, Long>> readJit() {
    Map<String, Map<String, Long>> jit = new LinkedHashMap<>();
    processes.forEach((name, p) -> jit.put(name, compilerThreads(p.pid())));
    return jit;
  }

  static Map<String, Long> compilerThreads(long pid) {
    Map<String, Long> threads = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      tasks.forEach(task -> {
        try {
          String comm = Files.readString(task.resolve("comm")).trim();
          if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            threads.put(task.getFileName().toString(), ticksToNanos(Files.readString(task.resolve("stat"))));
          }
        } catch (IOException | RuntimeException e) {
          // The thread ended while being read: its time is not counted (see the class comment).
        }
      });
    } catch (IOException e) {
      // No /proc (not Linux) or the process ended: no JIT share, the totals still stand.
    }
    return threads;
  }

  /** utime + stime of a {@code /proc/.../stat} line, whose second field (the name) may hold spaces. */
  static long ticksToNanos(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // Fields from the state (3rd of the line) on: utime and stime are the line's 14th and 15th.
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * (1_000_000_000L / TICKS_PER_SECOND);
  }

  /** The CPU used between {@link #start()} and {@link #end()}. */
  final class Span implements LoadGenerator.Interval {
    private Map<String, Long> from = Map.of();
    private Map<String, Long> to = Map.of();
    private Map<String, Map<String, Long>> jitFrom = Map.of();
    private Map<String, Map<String, Long>> jitTo = Map.of();
    private long fromNanos;
    private long toNanos;

    @Override
    public void start() {
      jitFrom = readJit();
      from = read();
      fromNanos = System.nanoTime();
    }

    @Override
    public void end() {
      toNanos = System.nanoTime();
      to = read();
      jitTo = readJit();
    }

    /** This span's CPU per process, against the messages {@code measured} completed in it. */
    CpuUse of(SaturationResult measured) {
      Map<String, Double> seconds = new LinkedHashMap<>();
      to.forEach((name, n) -> seconds.put(name, (n - from.getOrDefault(name, n)) / 1e9));
      Map<String, Double> jit = new LinkedHashMap<>();
      jitTo.forEach((name, threads) -> {
        Map<String, Long> before = jitFrom.getOrDefault(name, Map.of());
        long nanos = threads.entrySet().stream().mapToLong(t -> t.getValue() - before.getOrDefault(t.getKey(), 0L))
            .filter(d -> d > 0).sum();
        jit.put(name, Math.min(nanos / 1e9, seconds.getOrDefault(name, 0.0)));
      });
      return new CpuUse(measured.system(), measured.completed(), (toNanos - fromNanos) / 1e9, seconds, jit);
    }
  }
}

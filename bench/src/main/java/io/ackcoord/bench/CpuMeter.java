package io.ackcoord.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the CPU time (user + system) of the run's processes from the OS ({@link ProcessHandle.Info#totalCpuDuration},
 * on Linux {@code /proc/PID/stat}, in 10 ms clock ticks), each process on its own: children are not added, so this
 * JVM's figure is its own and not its children's.
 */
final class CpuMeter {

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

  /** The CPU used between {@link #start()} and {@link #end()}. */
  final class Span implements LoadGenerator.Interval {
    private Map<String, Long> from = Map.of();
    private Map<String, Long> to = Map.of();
    private long fromNanos;
    private long toNanos;

    @Override
    public void start() {
      from = read();
      fromNanos = System.nanoTime();
    }

    @Override
    public void end() {
      toNanos = System.nanoTime();
      to = read();
    }

    /** This span's CPU per process, against the messages {@code measured} completed in it. */
    CpuUse of(SaturationResult measured) {
      Map<String, Double> seconds = new LinkedHashMap<>();
      to.forEach((name, n) -> seconds.put(name, (n - from.getOrDefault(name, n)) / 1e9));
      return new CpuUse(measured.system(), measured.completed(), (toNanos - fromNanos) / 1e9, seconds);
    }
  }
}

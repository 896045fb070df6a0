package io.ackcoord.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time the run's processes used while one system was measured at saturation, against the messages that system
 * completed meanwhile.
 *
 * @param system     the system measured
 * @param messages   messages it completed in the measured intervals
 * @param seconds    wall-clock length of the measured intervals
 * @param cpuSeconds CPU seconds (user + system) of each process of the run in those intervals, in the order of the
 *                   report's columns
 * @param jitSeconds the part of {@code cpuSeconds} the JVM's JIT compiler threads used, per process (empty when not
 *                   measured; see {@link CpuMeter})
 */
public record CpuUse(String system, long messages, double seconds, Map<String, Double> cpuSeconds,
    Map<String, Double> jitSeconds) {

  public CpuUse {
    cpuSeconds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(cpuSeconds));
    jitSeconds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(jitSeconds));
  }

  /** Without a JIT share measured. */
  public CpuUse(String system, long messages, double seconds, Map<String, Double> cpuSeconds) {
    this(system, messages, seconds, cpuSeconds, Map.of());
  }

  /** Several intervals of one system as one: the sums. */
  public static CpuUse sum(List<CpuUse> intervals) {
    Map<String, Double> cpu = new LinkedHashMap<>();
    Map<String, Double> jit = new LinkedHashMap<>();
    intervals.forEach(i -> i.cpuSeconds().forEach((process, s) -> cpu.merge(process, s, Double::sum)));
    intervals.forEach(i -> i.jitSeconds().forEach((process, s) -> jit.merge(process, s, Double::sum)));
    return new CpuUse(intervals.get(0).system(), intervals.stream().mapToLong(CpuUse::messages).sum(),
        intervals.stream().mapToDouble(CpuUse::seconds).sum(), cpu, jit);
  }

  /** Microseconds of {@code process}'s CPU per message completed; NaN without messages or without that process. */
  public double microsPerMessage(String process) {
    Double s = cpuSeconds.get(process);
    return s == null || messages == 0 ? Double.NaN : s * 1e6 / messages;
  }

  /** Microseconds of CPU per message completed, all processes together. */
  public double totalMicrosPerMessage() {
    return messages == 0 ? Double.NaN : totalCpuSeconds() * 1e6 / messages;
  }

  /** Microseconds per message the JIT compiler threads of all processes used: part of the total, not added to it. */
  public double jitMicrosPerMessage() {
    return messages == 0 ? Double.NaN
        : jitSeconds.values().stream().mapToDouble(Double::doubleValue).sum() * 1e6 / messages;
  }

  /** {@link #totalMicrosPerMessage} less what the JIT compiler threads used. */
  public double microsPerMessageWithoutJit() {
    return totalMicrosPerMessage() - jitMicrosPerMessage();
  }

  /** The part of all processes' CPU the JIT compiler threads used, 0 to 1; 0 without CPU. */
  public double jitShare() {
    double all = totalCpuSeconds();
    return all <= 0 ? 0 : jitSeconds.values().stream().mapToDouble(Double::doubleValue).sum() / all;
  }

  /** Cores the processes kept busy on average: their CPU seconds over the wall-clock seconds. */
  public double cores() {
    return seconds <= 0 ? Double.NaN : totalCpuSeconds() / seconds;
  }

  private double totalCpuSeconds() {
    return cpuSeconds.values().stream().mapToDouble(Double::doubleValue).sum();
  }
}

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
 */
public record CpuUse(String system, long messages, double seconds, Map<String, Double> cpuSeconds) {

  public CpuUse {
    cpuSeconds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(cpuSeconds));
  }

  /** Several intervals of one system as one: the sums. */
  public static CpuUse sum(List<CpuUse> intervals) {
    Map<String, Double> cpu = new LinkedHashMap<>();
    intervals.forEach(i -> i.cpuSeconds().forEach((process, s) -> cpu.merge(process, s, Double::sum)));
    return new CpuUse(intervals.get(0).system(), intervals.stream().mapToLong(CpuUse::messages).sum(),
        intervals.stream().mapToDouble(CpuUse::seconds).sum(), cpu);
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

  /** Cores the processes kept busy on average: their CPU seconds over the wall-clock seconds. */
  public double cores() {
    return seconds <= 0 ? Double.NaN : totalCpuSeconds() / seconds;
  }

  private double totalCpuSeconds() {
    return cpuSeconds.values().stream().mapToDouble(Double::doubleValue).sum();
  }
}

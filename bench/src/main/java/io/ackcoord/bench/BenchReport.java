package io.ackcoord.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Everything one benchmark run measured, with what is needed to read it: the machine, the settings and the command.
 *
 * @param command       how the run was started
 * @param startedAt     when (UTC, ISO-8601)
 * @param machine       where
 * @param settings      the run's settings, as name/value pairs for the report
 * @param saturation    throughput at saturation per system, the baseline first
 * @param http          the HTTP phases (wrk): A's submit path (202 = durable, not ACKed) and the bridge's, single
 *                      POSTs and batches
 * @param latency       latency per system and offered rate
 * @param referenceRate the offered rate the targets compare p99 at: 25 % of the baseline's saturation
 * @param pending       the pending-capacity scenario, once per payload size
 * @param profiles      JFR hot spots of A's and B's processes during an at-least-once (group mode) saturation phase
 * @param cpu           CPU per message of each process during each system's saturation rounds, in the order of
 *                      {@code saturation}
 */
public record BenchReport(String command, String startedAt, Machine machine, List<Setting> settings,
    List<SaturationResult> saturation, List<HttpResult> http, List<LatencyResult> latency,
    double referenceRate, List<PendingResult> pending, List<HotSpots.Profile> profiles, List<CpuUse> cpu) {

  public static final String BASELINE = "baseline";
  public static final String SHARE_GROUP = "share group";
  public static final String AT_LEAST_ONCE = "ackcoord at-least-once";
  public static final String EXACTLY_ONCE = "ackcoord exactly-once";
  /** At-least-once with B reading topic 1 through a share group ({@code consumer.mode = share}). */
  public static final String AT_LEAST_ONCE_SHARE = "ackcoord at-least-once, share mode";
  /**
   * At-least-once with tracing on in A and B (OTLP/HTTP to a sink in the benchmark JVM that takes every export and
   * keeps nothing): measured at saturation only, to state what tracing costs.
   */
  public static final String AT_LEAST_ONCE_TRACED = "ackcoord at-least-once, traced";
  /** A's HTTP submit path in the HTTP phases: the at-least-once A, B running. */
  public static final String HTTP_A = "A (at-least-once)";
  /** The minimal HTTP→Kafka bridge ({@link HttpBridge}) in the HTTP phases. */
  public static final String HTTP_BRIDGE = "HTTP→Kafka bridge";

  public BenchReport {
    http = List.copyOf(http);
    pending = List.copyOf(pending);
  }

  /** One line of the settings table. */
  public record Setting(String name, String value) {
  }

  /** Throughput of {@code system} divided by the baseline's, if both were measured. */
  public Optional<Double> throughputRatio(String system) {
    Optional<SaturationResult> base = saturationOf(BASELINE);
    Optional<SaturationResult> other = saturationOf(system);
    if (base.isEmpty() || other.isEmpty() || base.get().perSecond() <= 0) {
      return Optional.empty();
    }
    return Optional.of(other.get().perSecond() / base.get().perSecond());
  }

  public Optional<SaturationResult> saturationOf(String system) {
    return saturation.stream().filter(s -> s.system().equals(system)).findFirst();
  }

  /** The latency of {@code system} at the reference rate (25 % of the baseline's saturation). */
  public Optional<LatencyResult> atReferenceRate(String system) {
    return atRate(system, referenceRate);
  }

  /** The latency of {@code system} at {@code fraction} of the baseline's saturation, if that rate ran. */
  public Optional<LatencyResult> atFraction(String system, double fraction) {
    return saturationOf(BASELINE).flatMap(b -> atRate(system, Math.round(b.perSecond() * fraction)))
        .filter(LatencyResult::ran);
  }

  private Optional<LatencyResult> atRate(String system, double rate) {
    return latency.stream()
        .filter(l -> l.system().equals(system) && Math.abs(l.rate() - rate) < 0.5)
        .findFirst();
  }

  /** The HTTP phase of {@code system} on {@code endpoint}, if it ran. */
  public Optional<HttpResult> http(String system, HttpResult.Endpoint endpoint) {
    return http.stream().filter(h -> h.system().equals(system) && h.endpoint() == endpoint).findFirst();
  }

  /** The pending-capacity scenario with {@code payloadBytes} payloads, if it ran. */
  public Optional<PendingResult> pending(int payloadBytes) {
    return pending.stream().filter(p -> p.payloadBytes() == payloadBytes).findFirst();
  }

  /** What tracing costs at saturation: the traced at-least-once pipeline against the untraced one, same run. */
  public static Optional<String> tracingCost(List<CpuUse> cpu) {
    var plain = cpu.stream().filter(c -> c.system().equals(AT_LEAST_ONCE)).findFirst();
    var traced = cpu.stream().filter(c -> c.system().equals(AT_LEAST_ONCE_TRACED)).findFirst();
    if (plain.isEmpty() || traced.isEmpty()) {
      return Optional.empty();
    }
    double a = plain.get().totalMicrosPerMessage();
    double b = traced.get().totalMicrosPerMessage();
    double aNoJit = plain.get().microsPerMessageWithoutJit();
    double bNoJit = traced.get().microsPerMessageWithoutJit();
    return Optional.of(String.format(Locale.ROOT, "tracing on: %s against %s CPU per message at saturation "
        + "(%+.0f %%; without JIT compiling %s against %s, %+.0f %%)", Format.micros(b), Format.micros(a),
        (b / a - 1) * 100, Format.micros(bNoJit), Format.micros(aNoJit), (bNoJit / aNoJit - 1) * 100));
  }

  /** The CPU per message of {@code system}'s saturation rounds, if measured. */
  public Optional<CpuUse> cpuOf(String system) {
    return cpu.stream().filter(c -> c.system().equals(system)).findFirst();
  }

  /**
   * The run's one-line verdict: {@code throughput ratio 0.83, p99 ackcoord 7.1 ms / baseline 3.2 ms}, at-least-once
   * against the baseline, p99 at the reference rate.
   */
  public String finalLine() {
    return "throughput ratio " + Format.ratio(throughputRatio(AT_LEAST_ONCE).orElse(Double.NaN))
        + ", p99 ackcoord " + Format.ms(atReferenceRate(AT_LEAST_ONCE).map(LatencyResult::p99Ms).orElse(Double.NaN))
        + " / baseline " + Format.ms(atReferenceRate(BASELINE).map(LatencyResult::p99Ms).orElse(Double.NaN));
  }
}

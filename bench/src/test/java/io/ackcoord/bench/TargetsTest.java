package io.ackcoord.bench;

import static io.ackcoord.bench.BenchReport.AT_LEAST_ONCE;
import static io.ackcoord.bench.BenchReport.BASELINE;
import static io.ackcoord.bench.BenchReport.EXACTLY_ONCE;
import static io.ackcoord.bench.BenchReport.HTTP_A;
import static io.ackcoord.bench.BenchReport.HTTP_BRIDGE;
import static io.ackcoord.bench.BenchReport.SHARE_GROUP;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TargetsTest {

  private static final Machine MACHINE = new Machine("Test CPU", 2, 4L << 30, "Linux", "OpenJDK 17", "4.4.0",
      "4.4.0");
  private static final PendingResult.Timers ON_TIME = new PendingResult.Timers(5_000, 20.0, 60.0, 0);

  /** A run where every target is exactly at its threshold: the plain pipeline at 10,000 msg/s. */
  private static BenchReport atThresholds(List<PendingResult> pending) {
    return new BenchReport("bin/bench", "now", MACHINE, List.of(),
        List.of(saturation(BASELINE, 10_000), saturation(SHARE_GROUP, 8_000), saturation(AT_LEAST_ONCE, 8_000),
            saturation(EXACTLY_ONCE, 7_000)),
        List.of(http(HTTP_A, 4_000), http(HTTP_BRIDGE, 5_000)),
        List.of(latency(BASELINE, 2_500, 5.0, 10.0), latency(AT_LEAST_ONCE, 2_500, 10.0, 30.0),
            latency(EXACTLY_ONCE, 500, 25.0, 50.0)),
        2_500, pending, List.of(),
        List.of(new CpuUse(BASELINE, 1_000_000, 10, Map.of("broker", 4.0, "consumer", 8.0)),
            new CpuUse(AT_LEAST_ONCE, 1_000_000, 10, Map.of("broker", 5.0, "B", 10.0))));
  }

  private static SaturationResult saturation(String system, double perSecond) {
    return new SaturationResult(system, perSecond, (long) perSecond * 10, 0, 10);
  }

  private static LatencyResult latency(String system, double rate, double p50, double p99) {
    return new LatencyResult(system, rate, 10_000, 10_000, 0, 0, p50, p99, p99 * 1.5, p99 * 2);
  }

  private static HttpResult http(String system, long perSecond) {
    return new HttpResult(system, HttpResult.Endpoint.SINGLE, 256, 1, 10, perSecond * 10, perSecond * 10, 0, 0, 5.0,
        20.0, 30.0, 40.0, new CpuUse(system, perSecond * 10, 10, Map.of()));
  }

  /** The 1 KiB scenario with {@code bytesEach} heap per pending message over 16 MB idle, 100,000 pending. */
  private static PendingResult kib(double bytesEach, PendingResult.Timers timers, long resendsAfter, String failure) {
    long idle = 16L << 20;
    return new PendingResult(1024, 100_000, 100_000, 5_000, 512L << 20, idle, idle + (long) (bytesEach * 100_000),
        100_000, 1_800_000, 5_000, 30_000, 7_000 + resendsAfter, 7_000, 0, failure, 12.5, timers);
  }

  private static Targets.Target find(List<Targets.Target> targets, String start) {
    return targets.stream().filter(t -> t.name().startsWith(start)).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("every target exactly at its threshold is met, each with its figures")
  void atThresholdsAllMet() {
    // (256 MB - 16 MB) / 1,000,000 messages: exactly the heap target.
    double bytesEach = ((256L << 20) - (16L << 20)) / 1e6;
    List<Targets.Target> targets = Targets.evaluate(atThresholds(List.of(kib(bytesEach, ON_TIME, 0, null))));
    assertThat(targets).hasSize(11).allSatisfy(t -> assertThat(t.met()).as(t.line()).contains(true));
    assertThat(targets.get(0).line()).isEqualTo("target met: at-least-once total CPU per message ≤ 1.25 × the "
        + "plain pipeline's: 15.0 µs / 12.0 µs = 1.250 ×");
    assertThat(find(targets, "at-least-once throughput ≥ 0.80").measured()).isEqualTo("8,000 / 10,000 msg/s = 0.800");
    assertThat(find(targets, "at-least-once throughput ≥ 1.00 × the share group pipeline's").measured())
        .isEqualTo("8,000 / 8,000 msg/s = 1.000");
    assertThat(find(targets, "at-least-once p99").measured()).isEqualTo("30.0 ms / 10.0 ms = 3.000 ×");
    assertThat(find(targets, "at-least-once p50").name()).contains("(2,500 msg/s) ≤ 2.00 ×");
    assertThat(find(targets, "exactly-once p50").measured()).isEqualTo("25.0 ms at 500 msg/s");
    assertThat(find(targets, "A's single HTTP POSTs").measured()).isEqualTo("4,000 / 5,000 msg/s = 0.800");
    assertThat(find(targets, "1,000,000 pending 1 KiB messages in ≤ 256.0 MB").measured())
        .startsWith("256.0 MB, projected from 100,000 pending");
  }

  @Test
  @DisplayName("a figure just past its threshold misses, and the line says MISSED")
  void pastThresholdsMissed() {
    BenchReport r = atThresholds(List.of(kib(400, new PendingResult.Timers(5_000, 20.0, 140.0, 3), 5_001, null)));
    BenchReport worse = new BenchReport(r.command(), r.startedAt(), MACHINE, r.settings(),
        List.of(saturation(BASELINE, 10_000), saturation(SHARE_GROUP, 8_001), saturation(AT_LEAST_ONCE, 7_999),
            saturation(EXACTLY_ONCE, 6_999)),
        List.of(http(HTTP_A, 3_999), http(HTTP_BRIDGE, 5_000)),
        List.of(latency(BASELINE, 2_500, 5.0, 10.0), latency(AT_LEAST_ONCE, 2_500, 10.1, 30.1),
            latency(EXACTLY_ONCE, 500, 25.1, 50.0)),
        2_500, r.pending(), List.of(),
        List.of(new CpuUse(BASELINE, 1_000_000, 10, Map.of("broker", 4.0, "consumer", 8.0), Map.of("consumer", 2.0)),
            new CpuUse(AT_LEAST_ONCE, 1_000_000, 10, Map.of("broker", 5.0, "B", 10.1), Map.of("B", 5.0))));
    List<Targets.Target> targets = Targets.evaluate(worse);
    assertThat(targets).allSatisfy(t -> assertThat(t.met()).as(t.line()).contains(false));
    assertThat(find(targets, "at-least-once total CPU").measured()).isEqualTo("15.1 µs / 12.0 µs = 1.258 × "
        + "(without JIT compiling 10.1 µs / 10.0 µs = 1.010 ×)");
    assertThat(find(targets, "every re-send timer").line()).isEqualTo("target MISSED: every re-send timer within "
        + "100.0 ms of its deadline (1 KiB payloads): 5,000 fired, p99 20.0 ms late, max 140.0 ms, 3 over 100.0 ms");
    assertThat(find(targets, "drain after B returns").measured())
        .isEqualTo("drained in 12.5 s, 5,001 re-sends after B returned (at most 5,000: the short-timeout messages)");
  }

  @Test
  @DisplayName("an A that ran out of heap misses the heap and drain targets and leaves the timers unjudged")
  void aThatDied() {
    List<Targets.Target> targets = Targets.evaluate(atThresholds(List.of(
        kib(1_400, ON_TIME, 0, "out of heap (OutOfMemoryError) after 300,000 submissions"))));
    assertThat(find(targets, "1,000,000 pending").met()).contains(false);
    assertThat(find(targets, "1,000,000 pending").measured()).startsWith("A did not stay up: out of heap");
    assertThat(find(targets, "every re-send timer").met()).isEmpty();
    assertThat(find(targets, "drain after B returns").met()).contains(false);
  }

  @Test
  @DisplayName("what the run did not measure is neither met nor missed: only the 100-byte scenario, no 5 % rate")
  void notMeasured() {
    PendingResult small = new PendingResult(100, 100_000, 100_000, 5_000, 512L << 20, 16L << 20, 60L << 20, 100_000,
        1_800_000, 5_000, 30_000, 0, 0, 0, null, 3.0, ON_TIME);
    BenchReport r = atThresholds(List.of(small));
    BenchReport without = new BenchReport(r.command(), r.startedAt(), MACHINE, r.settings(), r.saturation(),
        List.of(), r.latency().subList(0, 2), 2_500, r.pending(), List.of(), List.of());
    List<Targets.Target> targets = Targets.evaluate(without);
    assertThat(targets.get(0).line()).isEqualTo("target not measured: at-least-once total CPU per message ≤ 1.25 × "
        + "the plain pipeline's: n/a");
    assertThat(find(targets, "exactly-once p50").met()).isEqualTo(Optional.empty());
    assertThat(find(targets, "A's single HTTP POSTs").met()).isEmpty();
    assertThat(targets.subList(8, 11)).allSatisfy(t -> assertThat(t.met()).isEmpty());
  }
}

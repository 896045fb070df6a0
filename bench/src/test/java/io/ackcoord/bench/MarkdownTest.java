package io.ackcoord.bench;

import static io.ackcoord.bench.BenchReport.AT_LEAST_ONCE;
import static io.ackcoord.bench.BenchReport.AT_LEAST_ONCE_SHARE;
import static io.ackcoord.bench.BenchReport.BASELINE;
import static io.ackcoord.bench.BenchReport.EXACTLY_ONCE;
import static io.ackcoord.bench.BenchReport.SHARE_GROUP;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MarkdownTest {

  private static final Machine MACHINE = new Machine("Test CPU", 2, 4L << 30, "Linux", "OpenJDK 17", "4.4.0",
      "4.4.0");

  private static BenchReport report(PendingResult.Timers timers) {
    List<SaturationResult> saturation = List.of(
        new SaturationResult(BASELINE, 10_000, 100_000, 0, 10),
        new SaturationResult(SHARE_GROUP, 9_000, 90_000, 0, 10),
        new SaturationResult(AT_LEAST_ONCE, 8_300, 83_000, 0, 10),
        new SaturationResult(EXACTLY_ONCE, 6_100, 61_000, 2, 10, List.of(5_000.0, 6_100.0, 7_000.0)),
        new SaturationResult(AT_LEAST_ONCE_SHARE, 7_500, 75_000, 0, 10));
    List<LatencyResult> latency = List.of(
        new LatencyResult(BASELINE, 2_500, 25_000, 25_000, 0, 0, 1.5, 3.2, 5.0, 9.0),
        new LatencyResult(SHARE_GROUP, 2_500, 25_000, 25_000, 0, 0, 2.0, 4.5, 6.0, 9.5),
        new LatencyResult(AT_LEAST_ONCE, 2_500, 25_000, 25_000, 0, 0, 3.0, 7.14, 12.0, 20.0),
        new LatencyResult(EXACTLY_ONCE, 2_500, 25_000, 25_000, 0, 0, 60.0, 120.0, 150.0, 200.0),
        new LatencyResult(AT_LEAST_ONCE_SHARE, 2_500, 25_000, 25_000, 0, 0, 4.0, 9.6, 14.0, 25.0),
        new LatencyResult(BASELINE, 5_000, 50_000, 50_000, 0, 0, 2.0, 4.0, 6.0, 10.0),
        new LatencyResult(AT_LEAST_ONCE, 5_000, 50_000, 49_000, 0, 1_000, 30.0, 900.0, 1_000.0, 1_100.0),
        LatencyResult.notRun(EXACTLY_ONCE, 5_000),
        LatencyResult.notRun(AT_LEAST_ONCE_SHARE, 5_000));
    PendingResult pending = new PendingResult(100, 100_000, 100_000, 4_000, 512L << 20, 40L << 20, 80L << 20,
        100_000, 180_000, 5_000, 10_000, 2_000, 1_500, 0, null, 12.5, timers);
    PendingResult kib = new PendingResult(1024, 100_000, 100_000, 3_000, 512L << 20, 40L << 20, 190L << 20,
        100_000, 180_000, 5_000, 10_000, 2_000, 2_000, 0, null, 20.0, timers);
    return new BenchReport("bin/bench --quick", "2026-11-22T14:00:00Z", MACHINE,
        List.of(new BenchReport.Setting("payload", "100 random bytes")), saturation, List.of(
            new HttpResult(BenchReport.HTTP_A, HttpResult.Endpoint.SINGLE, 256, 1, 10, 40_000, 40_000, 0, 0, 50.0,
                90.0, 120.0, 150.0, new CpuUse(BenchReport.HTTP_A, 40_000, 10, Map.of(BenchMain.JVM, 1.2))),
            new HttpResult(BenchReport.HTTP_BRIDGE, HttpResult.Endpoint.SINGLE, 256, 1, 10, 100_000, 100_000, 0, 0,
                20.0, 40.0, 60.0, 80.0, new CpuUse(BenchReport.HTTP_BRIDGE, 100_000, 10, Map.of(BenchMain.JVM, 1.0))),
            new HttpResult(BenchReport.HTTP_A, HttpResult.Endpoint.BATCH, 16, 100, 10, 1_000, 99_000, 1_000, 2, 150.0,
                300.0, 400.0, 500.0, new CpuUse(BenchReport.HTTP_A, 99_000, 10, Map.of()))),
        latency, 2_500, List.of(pending, kib), List.of(
            new HotSpots.Profile("B", 1_000, List.of(new HotSpots.Share("x.Y.z", 0.25)),
                List.of(new HotSpots.Share("io.ackcoord.consumer.MessagePipeline.run", 0.5)),
                List.of(new HotSpots.Share("vert.x-eventloop-thread-N", 0.6)))), List.of(
            new CpuUse(BASELINE, 100_000, 10, Map.of("broker", 0.5), Map.of("broker", 0.2)),
            new CpuUse(SHARE_GROUP, 90_000, 10, Map.of("broker", 0.9, "share group consumer", 0.45)),
            new CpuUse(AT_LEAST_ONCE_SHARE, 75_000, 10, Map.of("broker", 1.5, "B at-least-once, share mode", 1.2))));
  }

  @Test
  @DisplayName("tracing's cost compares the traced at-least-once pipeline with the untraced one, with and without JIT")
  void tracingCost() {
    List<CpuUse> cpu = List.of(
        new CpuUse(BenchReport.AT_LEAST_ONCE, 100_000, 10, Map.of("broker", 1.0, "B", 1.0), Map.of("B", 0.5)),
        new CpuUse(BenchReport.AT_LEAST_ONCE_TRACED, 100_000, 10, Map.of("broker", 1.0, "B", 1.5), Map.of("B", 0.5)));
    assertThat(BenchReport.tracingCost(cpu)).contains("tracing on: 25.0 µs against 20.0 µs CPU per message at "
        + "saturation (+25 %; without JIT compiling 20.0 µs against 15.0 µs, +33 %)");
    assertThat(BenchReport.tracingCost(cpu.subList(0, 1))).isEmpty();
  }

  @Test
  @DisplayName("the final line compares at-least-once with the baseline: throughput, and p99 at 25 % of saturation")
  void finalLine() {
    assertThat(report(null).finalLine())
        .isEqualTo("throughput ratio 0.83, p99 ackcoord 7.1 ms / baseline 3.2 ms");
  }

  @Test
  @DisplayName("without a measurement the final line keeps its form and says n/a")
  void finalLineWithoutFigures() {
    BenchReport empty = new BenchReport("bin/bench", "now", MACHINE, List.of(), List.of(), List.of(), List.of(), 100,
        List.of(), List.of(), List.of());
    assertThat(empty.finalLine()).isEqualTo("throughput ratio n/a, p99 ackcoord n/a / baseline n/a");
  }

  @Test
  @DisplayName("the report has the verdict, the targets with their outcome, and every figure")
  void rendersTargetsAndFigures() {
    String md = Markdown.render(report(null), "bench", null);
    assertThat(md)
        .contains("**Verdict:** `throughput ratio 0.83, p99 ackcoord 7.1 ms / baseline 3.2 ms`")
        .contains("Exactly-once: throughput ratio 0.61, p99 120.0 ms")
        .contains("| at-least-once throughput ≥ 0.80 × the plain pipeline's | 8,300 / 10,000 msg/s = 0.830 | met |")
        .contains("| 7.1 ms / 3.2 ms = 2.231 × | met |")
        .contains("| exactly-once p50 send→ACK at 5 % of the baseline's saturation ≤ 25.0 ms | n/a (that rate did "
            + "not run) | not measured |")
        .contains("| ackcoord exactly-once | 6,100 | 0.61 | 5,000, 6,100, 7,000 | 61,000 | 2 | 10 s |")
        .contains("| 5,000 | 50 % | ackcoord at-least-once | 30.0 ms | 900.0 ms | 1000.0 ms | 1100.0 ms | "
            + "49,000 / 50,000 | 1,000 |")
        .contains("| 5,000 | 50 % | ackcoord exactly-once | not run: above its own saturation |")
        .contains("| heap per pending message | 419 bytes |")
        .contains("| timer lateness | not reported by this build |")
        .contains("![p99 latency against offered rate](bench/latency.png)")
        .contains("| `x.Y.z` | 25.0 % | `io.ackcoord.consumer.MessagePipeline.run` | 50.0 % | "
            + "`vert.x-eventloop-thread-N` | 60.0 % |")
        .contains("| CPU | Test CPU × 2 |");
  }

  @Test
  @DisplayName("the share group has its rows and its line under the verdict, as a peer of the baseline")
  void rendersShareGroup() {
    String md = Markdown.render(report(null), "bench", null);
    assertThat(md)
        .contains("Share group, for the record: throughput ratio 0.90, p99 4.5 ms at the same rate.")
        .contains("| share group | 9,000 | 0.90 |  | 90,000 | 0 | 10 s |")
        .contains("| 2,500 | 25 % | share group | 2.0 ms | 4.5 ms | 6.0 ms | 9.5 ms | 25,000 / 25,000 | 0 |")
        .contains("`ShareGroupConsumer`");
  }

  @Test
  @DisplayName("at-least-once with B in share mode has its line under the verdict, its targets rows, and its rows in "
      + "every table")
  void rendersAtLeastOnceInShareMode() {
    String md = Markdown.render(report(null), "bench", null);
    assertThat(md)
        .contains("At-least-once with B in share mode, for the record: throughput ratio 0.75, p99 9.6 ms at the same "
            + "rate.")
        .contains("| ackcoord at-least-once, share mode | 7,500 | 0.75 |  | 75,000 | 0 | 10 s |")
        .contains("| 2,500 | 25 % | ackcoord at-least-once, share mode | 4.0 ms | 9.6 ms | 14.0 ms | 25.0 ms | "
            + "25,000 / 25,000 | 0 |")
        .contains("| 5,000 | 50 % | ackcoord at-least-once, share mode | not run: above its own saturation |")
        .contains("| system | msg/s (median round) | broker | share group consumer | B at-least-once, share mode | "
            + "all processes | of which JIT | cores |")
        .contains("| ackcoord at-least-once, share mode | 7,500 | 20.0 µs | n/a | 16.0 µs | 36.0 µs | n/a | 0.27 |")
        .contains("`consumer.mode` `share`");
  }

  @Test
  @DisplayName("CPU per message: a column per process any system saw, n/a where a system has no figure for one")
  void rendersCpu() {
    String md = Markdown.render(report(null), "bench", null);
    assertThat(md)
        .contains("## CPU per message")
        .contains("| system | msg/s (median round) | broker | share group consumer | B at-least-once, share mode | "
            + "all processes | of which JIT | cores |\n|---|---|---|---|---|---|---|---|\n")
        .contains("| baseline | 10,000 | 5.0 µs | n/a | n/a | 5.0 µs | 2.0 µs | 0.05 |")
        .contains("| share group | 9,000 | 10.0 µs | 5.0 µs | n/a | 15.0 µs | n/a | 0.14 |");
  }

  @Test
  @DisplayName("CPU intervals of one system add up: messages, seconds and each process's CPU")
  void cpuSums() {
    CpuUse sum = CpuUse.sum(List.of(new CpuUse(SHARE_GROUP, 1_000, 1, Map.of("broker", 0.01)),
        new CpuUse(SHARE_GROUP, 3_000, 2, Map.of("broker", 0.03, "B", 0.02))));
    assertThat(sum.messages()).isEqualTo(4_000);
    assertThat(sum.seconds()).isEqualTo(3.0);
    assertThat(sum.microsPerMessage("broker")).isCloseTo(10.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(sum.totalMicrosPerMessage()).isCloseTo(15.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(sum.microsPerMessage("nobody")).isNaN();
  }

  @Test
  @DisplayName("timer lateness, when A reports it, is judged against 100 ms")
  void rendersTimers() {
    String md = Markdown.render(report(new PendingResult.Timers(2_000, 12.0, 140.0, 3)), "bench", "Reading.");
    assertThat(md)
        .contains("2,000 fired, p99 12.0 ms late, max 140.0 ms, 3 over 100.0 ms | **missed** |")
        .contains("Reading.");
  }

  @Test
  @DisplayName("the HTTP phases: one row per server and request, with wrk's figures and CPU, and A / bridge")
  void rendersHttp() {
    String md = Markdown.render(report(null), "bench", null);
    assertThat(md)
        .contains("## HTTP submit path")
        .contains("| A (at-least-once) | `POST /api/messages` | 256 | 4,000 | 4,000 | 50.0 ms | 90.0 ms | 120.0 ms | "
            + "150.0 ms | 0 | 0 | 30.0 µs / n/a / n/a / 30.0 µs |")
        .contains("| A (at-least-once) | `POST /api/messages/batch`, 100 items | 16 | 9,900 | 100 | 150.0 ms |")
        .contains("`POST /api/messages`: A / bridge = 0.40.")
        .doesNotContain("`POST /api/messages/batch`: A / bridge")
        .contains("| A's single HTTP POSTs ≥ 0.80 × the HTTP→Kafka bridge's rate | 4,000 / 10,000 msg/s = 0.400 | "
            + "**missed** |");
  }

  @Test
  @DisplayName("pending capacity: one table per payload size under one heading, the 1 KiB one judged as a target")
  void rendersPendingPerPayload() {
    String md = Markdown.render(report(null), "bench", null);
    assertThat(md)
        .contains("## Pending capacity\n")
        .contains("### 100-byte payloads")
        .contains("### 1024-byte payloads")
        .contains("| payload, A's heap limit | 1024 random bytes, 512.0 MB |")
        .contains("| re-sends after B continued | 500 |")
        .contains("| 1,000,000 pending 1 KiB messages in ≤ 256.0 MB of A's heap | 1540.0 MB, projected from 100,000 "
            + "pending (1,573 bytes per pending message, 100,000 of 100,000 accepted) | **missed** |");
  }
}

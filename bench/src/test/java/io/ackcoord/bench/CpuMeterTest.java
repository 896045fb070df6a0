package io.ackcoord.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CpuMeterTest {

  @Test
  @DisplayName("a span counts the CPU a process used between its start and its end, against the measured messages")
  void spanOfThisProcess() {
    CpuMeter meter = new CpuMeter();
    meter.add("this JVM", ProcessHandle.current().pid());
    CpuMeter.Span span = meter.span();
    span.start();
    // This thread's own CPU, not wall time: on a busy machine 300 ms of wall time may be little CPU.
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long until = threads.getCurrentThreadCpuTime() + Duration.ofMillis(300).toNanos();
    long spin = 0;
    while (threads.getCurrentThreadCpuTime() < until) {
      spin++;
    }
    span.end();
    CpuUse use = span.of(new SaturationResult("x", 1_000, 1_000, 0, 0.3));
    assertThat(spin).isPositive();
    assertThat(use.system()).isEqualTo("x");
    assertThat(use.cpuSeconds()).containsOnlyKeys("this JVM");
    // The process used at least this thread's 300 ms, read in 10 ms ticks.
    assertThat(use.cpuSeconds().get("this JVM")).isGreaterThanOrEqualTo(0.28);
    assertThat(use.microsPerMessage("this JVM")).isGreaterThanOrEqualTo(280);
  }

  @Test
  @DisplayName("the closed loop tells its interval when the measured part starts and ends, once each")
  void closedLoopTellsItsInterval() {
    List<String> told = new ArrayList<>();
    long[] startedAt = new long[1];
    Pipeline instant = new Pipeline() {
      @Override
      public String name() {
        return "instant";
      }

      @Override
      public CompletionStage<?> submit(String id, byte[] payload) {
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public void close() {
      }
    };
    long began = System.nanoTime();
    new LoadGenerator(new Payloads(10, 1)).closedLoop(instant, "id-", 10, Duration.ofMillis(100),
        Duration.ofMillis(100), Duration.ofSeconds(1), new LoadGenerator.Interval() {
          @Override
          public void start() {
            told.add("start");
            startedAt[0] = System.nanoTime();
          }

          @Override
          public void end() {
            told.add("end");
          }
        });
    assertThat(told).containsExactly("start", "end");
    assertThat(startedAt[0] - began).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
  }
}

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
    // The JIT's share is a part of the total, never more.
    assertThat(use.jitSeconds()).containsOnlyKeys("this JVM");
    assertThat(use.jitSeconds().get("this JVM")).isBetween(0.0, use.cpuSeconds().get("this JVM"));
  }

  @Test
  @DisplayName("this JVM's JIT compiler threads are found by name in /proc, each with its CPU time")
  void findsCompilerThreads() {
    assertThat(CpuMeter.compilerThreads(ProcessHandle.current().pid())).isNotEmpty()
        .allSatisfy((tid, nanos) -> assertThat(nanos).isNotNegative());
  }

  @Test
  @DisplayName("utime and stime are read after the thread's name, which may hold spaces and parentheses")
  void readsTicksAfterTheName() {
    String stat = "4242 (C2 CompilerThre) S 1 2 3 0 -1 4194368 10 0 0 0 150 25 0 0 20 0 1 0 100 0 0";
    assertThat(CpuMeter.ticksToNanos(stat)).isEqualTo(175 * 10_000_000L);
    assertThat(CpuMeter.ticksToNanos("7 (a) b) c) R 1 2 3 0 -1 0 0 0 0 0 3 4 0 0 20 0")).isEqualTo(7 * 10_000_000L);
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

package io.ackcoord.bench;

import java.time.Duration;
import java.util.List;

/**
 * How long and how hard one run measures. {@link #full()} is the reference run; {@link #quick()} the same phases,
 * shorter, within 5 minutes on a 2-core machine.
 *
 * @param warmup          closed-loop warm-up before the throughput is counted
 * @param saturation      closed-loop measured interval
 * @param profile         extra closed-loop interval recorded with JFR (not counted)
 * @param rateWarmup      open-loop warm-up at each rate (not recorded)
 * @param rateMeasure     open-loop recorded interval at each rate
 * @param drain           longest wait for stragglers after a phase
 * @param rateFractions   offered rates as fractions of the baseline's saturation; must contain 0.25
 * @param window          messages in flight in the closed loop
 * @param http            measured interval of A's HTTP submit path
 * @param pendingCount    messages submitted in the pending-capacity scenario
 * @param pendingHeap     A's heap there
 * @param pendingDrain    longest wait for A's pending count to reach 0 there
 * @param payloadBytes    payload size
 * @param partitions      partitions of every topic
 */
record BenchSettings(Duration warmup, Duration saturation, Duration profile, Duration rateWarmup,
    Duration rateMeasure, Duration drain, List<Double> rateFractions, int window, Duration http, long pendingCount,
    String pendingHeap, Duration pendingDrain, int payloadBytes, int partitions) {

  static final double REFERENCE_FRACTION = 0.25;

  BenchSettings {
    if (!rateFractions.contains(REFERENCE_FRACTION)) {
      throw new IllegalArgumentException("the offered rates must include 25 % of the baseline's saturation");
    }
  }

  static BenchSettings full() {
    return new BenchSettings(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(15),
        Duration.ofSeconds(3), Duration.ofSeconds(20), Duration.ofSeconds(30), List.of(0.1, 0.25, 0.5, 0.75, 0.9),
        1000, Duration.ofSeconds(15), 1_000_000, "512m", Duration.ofMinutes(10), 100, 3);
  }

  static BenchSettings quick() {
    return new BenchSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(4),
        Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(10), List.of(0.25, 0.5, 0.75), 1000,
        Duration.ofSeconds(3), 100_000, "512m", Duration.ofMinutes(2), 100, 3);
  }

  BenchSettings withPayloadBytes(int bytes) {
    return new BenchSettings(warmup, saturation, profile, rateWarmup, rateMeasure, drain, rateFractions, window, http,
        pendingCount, pendingHeap, pendingDrain, bytes, partitions);
  }

  BenchSettings withPendingCount(long count) {
    return new BenchSettings(warmup, saturation, profile, rateWarmup, rateMeasure, drain, rateFractions, window, http,
        count, pendingHeap, pendingDrain, payloadBytes, partitions);
  }
}

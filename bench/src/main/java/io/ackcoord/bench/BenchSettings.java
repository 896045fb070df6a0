package io.ackcoord.bench;

import java.time.Duration;
import java.util.List;

/**
 * How long and how hard one run measures. {@link #full()} is the reference run; {@link #quick()} the same phases,
 * shorter, within 5 minutes on a 2-core machine.
 *
 * @param warmup          closed-loop warm-up of each system before anything is counted: A's code needs tens of
 *                        thousands of messages before the JIT has compiled it, far more than the baseline's
 * @param saturation      closed-loop measured interval of one round
 * @param rounds          closed-loop rounds per system, the systems in turn
 * @param profile         extra closed-loop interval recorded with JFR (not counted); zero: no profile
 * @param rateWarmup      open-loop warm-up at each rate (not recorded)
 * @param rateMeasure     open-loop recorded interval at each rate
 * @param drain           longest wait for stragglers after a phase; what is unfinished then counts as incomplete
 * @param settle          longest further wait, unrecorded, for an overloaded phase's backlog to clear
 * @param rateFractions   offered rates as fractions of the baseline's saturation; must contain 0.25
 * @param window          messages in flight in the closed loop: by Little's law a system's closed-loop throughput is
 *                        at most this over its round trip, so it must be large enough for the slowest round trip
 *                        measured (ackcoord's); the baseline measured the same at 1,000 and 4,000
 * @param httpWarmup      warm-up of A's HTTP submit path: its code is cold after the event-bus phases
 * @param http            measured interval of A's HTTP submit path
 * @param pendingCount    messages submitted in the pending-capacity scenario
 * @param pendingHeap     A's heap there
 * @param pendingAckTimeout A's {@code ack.timeout.ms} there: longer than submitting and draining take, so the drain
 *                        is not a re-send storm
 * @param pendingShortTimeout the own timeout of the first {@link #SHORT_FRACTION} of the messages there, short
 *                        enough that their timers fire (and re-fire) while B is frozen and A holds the rest
 * @param pendingDrain    longest wait for A's pending count to reach 0 there
 * @param payloadBytes    payload size
 * @param partitions      partitions of every topic
 */
record BenchSettings(Duration warmup, Duration saturation, int rounds, Duration profile, Duration rateWarmup,
    Duration rateMeasure, Duration drain, Duration settle, List<Double> rateFractions, int window,
    Duration httpWarmup, Duration http, long pendingCount, String pendingHeap, Duration pendingAckTimeout,
    Duration pendingShortTimeout, Duration pendingDrain, int payloadBytes,
    int partitions) {

  static final double REFERENCE_FRACTION = 0.25;
  static final double SHORT_FRACTION = 0.05;

  BenchSettings {
    if (!rateFractions.contains(REFERENCE_FRACTION)) {
      throw new IllegalArgumentException("the offered rates must include 25 % of the baseline's saturation");
    }
  }

  static BenchSettings full() {
    return new BenchSettings(Duration.ofSeconds(45), Duration.ofSeconds(10), 3, Duration.ofSeconds(30),
        Duration.ofSeconds(3), Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(5),
        List.of(0.05, 0.1, 0.25, 0.5, 0.75),
        4000, Duration.ofSeconds(30), Duration.ofSeconds(15), 1_000_000, "512m", Duration.ofMinutes(30),
        Duration.ofSeconds(30), Duration.ofMinutes(20), 100, 3);
  }

  static BenchSettings quick() {
    return new BenchSettings(Duration.ofSeconds(8), Duration.ofSeconds(3), 3, Duration.ZERO,
        Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofMinutes(1),
        List.of(0.1, 0.25, 0.5), 4000,
        Duration.ofSeconds(5), Duration.ofSeconds(3), 100_000, "512m", Duration.ofMinutes(3),
        Duration.ofSeconds(10), Duration.ofMinutes(3), 100, 3);
  }

  BenchSettings withPayloadBytes(int bytes) {
    return new BenchSettings(warmup, saturation, rounds, profile, rateWarmup, rateMeasure, drain, settle,
        rateFractions, window, httpWarmup, http, pendingCount, pendingHeap, pendingAckTimeout, pendingShortTimeout,
        pendingDrain, bytes, partitions);
  }

  BenchSettings withPendingCount(long count) {
    return new BenchSettings(warmup, saturation, rounds, profile, rateWarmup, rateMeasure, drain, settle,
        rateFractions, window, httpWarmup, http, count, pendingHeap, pendingAckTimeout, pendingShortTimeout,
        pendingDrain, payloadBytes, partitions);
  }

  BenchSettings withWindow(int messages) {
    return new BenchSettings(warmup, saturation, rounds, profile, rateWarmup, rateMeasure, drain, settle,
        rateFractions, messages, httpWarmup, http, pendingCount, pendingHeap, pendingAckTimeout, pendingShortTimeout,
        pendingDrain, payloadBytes, partitions);
  }
}

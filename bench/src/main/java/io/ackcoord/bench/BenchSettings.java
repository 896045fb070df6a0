package io.ackcoord.bench;

import java.time.Duration;
import java.util.List;

/**
 * How long and how hard one run measures. {@link #full()} is the reference run; {@link #quick()} the same phases,
 * shorter, in about 8 minutes on a 2-core machine.
 *
 * @param warmup          closed-loop warm-up of each system before anything is counted: A's code needs tens of
 *                        thousands of messages before the JIT has compiled it, far more than the baseline's
 * @param jitWarmup       longest further warm-up of each system (saturation, and each HTTP phase), in rounds of
 *                        {@link #JIT_ROUND}, while the JIT compiler threads of the run's processes still take more than
 *                        {@link #JIT_SETTLED} of their CPU: a short measured round of a system whose code is still being
 *                        compiled measures warm-up (in quick runs JIT compiling was up to half of all CPU)
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
 * @param httpWarmup      unrecorded wrk run before each HTTP phase: A's HTTP code is cold after the event-bus phases
 * @param http            measured interval of each HTTP phase
 * @param httpConnections wrk's connections for single POSTs: one request in flight on each, so enough that A's or
 *                        the bridge's capacity limits, not the connections (A's server takes at most 1,000): a 202
 *                        takes linger.ms and the broker's round trip, and at 64 connections A measured 6,508 msg/s
 *                        (wrk's p50 8.5 ms), at 256 19,109, at 512 25,140, its event loop then 0.60 of a core
 *                        (quick run, 2026-12-03 07:24 UTC)
 * @param batchConnections wrk's connections for batches
 * @param batchItems      messages per batch request
 * @param pendingCount    messages submitted in the pending-capacity scenario
 * @param pendingHeap     A's heap there for payloads up to {@link #SMALL_PAYLOAD} bytes (see {@link #pendingHeapFor})
 * @param pendingAckTimeout A's {@code ack.timeout.ms} there: longer than submitting and draining take, so the drain
 *                        is not a re-send storm
 * @param pendingShortTimeout the own timeout of the first {@link #SHORT_FRACTION} of the messages there, short
 *                        enough that their timers fire (and re-fire) while B is frozen and A holds the rest
 * @param pendingDrain    longest wait for A's pending count to reach 0 there
 * @param payloadBytes    payload size; the pending-capacity scenario runs with it and with {@link #LARGE_PAYLOAD}
 * @param partitions      partitions of every topic
 */
record BenchSettings(Duration warmup, Duration jitWarmup, Duration saturation, int rounds, Duration profile, Duration rateWarmup,
    Duration rateMeasure, Duration drain, Duration settle, List<Double> rateFractions, int window,
    Duration httpWarmup, Duration http, int httpConnections, int batchConnections, int batchItems,
    long pendingCount, String pendingHeap, Duration pendingAckTimeout,
    Duration pendingShortTimeout, Duration pendingDrain, int payloadBytes,
    int partitions) {

  static final double REFERENCE_FRACTION = 0.25;
  static final Duration JIT_ROUND = Duration.ofSeconds(5);
  static final double JIT_SETTLED = 0.05;
  static final double SHORT_FRACTION = 0.05;
  /** The payload of the pending-capacity target, measured besides the run's own payload size. */
  static final int LARGE_PAYLOAD = 1024;
  static final int SMALL_PAYLOAD = 256;

  BenchSettings {
    if (!rateFractions.contains(REFERENCE_FRACTION)) {
      throw new IllegalArgumentException("the offered rates must include 25 % of the baseline's saturation");
    }
  }

  static BenchSettings full() {
    return new BenchSettings(Duration.ofSeconds(45), Duration.ofSeconds(60), Duration.ofSeconds(10), 3, Duration.ofSeconds(30),
        Duration.ofSeconds(3), Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(5),
        List.of(0.05, 0.1, 0.25, 0.5, 0.75),
        4000, Duration.ofSeconds(10), Duration.ofSeconds(15), 512, 16, 100, 1_000_000, "512m",
        Duration.ofMinutes(30), Duration.ofSeconds(30), Duration.ofMinutes(20), 100, 3);
  }

  static BenchSettings quick() {
    return new BenchSettings(Duration.ofSeconds(8), Duration.ofSeconds(15), Duration.ofSeconds(3), 3, Duration.ZERO,
        Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofMinutes(1),
        List.of(0.05, 0.25, 0.5), 4000,
        Duration.ofSeconds(3), Duration.ofSeconds(5), 512, 16, 100, 100_000, "512m", Duration.ofMinutes(3),
        Duration.ofSeconds(10), Duration.ofMinutes(3), 100, 3);
  }

  BenchSettings withPayloadBytes(int bytes) {
    return new BenchSettings(warmup, jitWarmup, saturation, rounds, profile, rateWarmup, rateMeasure, drain, settle,
        rateFractions, window, httpWarmup, http, httpConnections, batchConnections, batchItems, pendingCount,
        pendingHeap, pendingAckTimeout, pendingShortTimeout, pendingDrain, bytes, partitions);
  }

  BenchSettings withPendingCount(long count) {
    return new BenchSettings(warmup, jitWarmup, saturation, rounds, profile, rateWarmup, rateMeasure, drain, settle,
        rateFractions, window, httpWarmup, http, httpConnections, batchConnections, batchItems, count, pendingHeap,
        pendingAckTimeout, pendingShortTimeout, pendingDrain, payloadBytes, partitions);
  }

  BenchSettings withWindow(int messages) {
    return new BenchSettings(warmup, jitWarmup, saturation, rounds, profile, rateWarmup, rateMeasure, drain, settle,
        rateFractions, messages, httpWarmup, http, httpConnections, batchConnections, batchItems, pendingCount,
        pendingHeap, pendingAckTimeout, pendingShortTimeout, pendingDrain, payloadBytes, partitions);
  }

  /** The payload sizes of the pending-capacity scenario: the run's own, and {@link #LARGE_PAYLOAD}. */
  List<Integer> pendingPayloads() {
    return payloadBytes == LARGE_PAYLOAD ? List.of(payloadBytes) : List.of(payloadBytes, LARGE_PAYLOAD);
  }

  /**
   * A's heap in the pending-capacity scenario with {@code payload}-byte payloads. A keeps every payload on its heap
   * (until its redesign), so a fixed heap would measure an out-of-memory error, not the heap per message: above
   * {@link #SMALL_PAYLOAD} bytes it gets 1.4 × {@code pendingCount} × (payload + 512 bytes), in steps of 256 MB.
   */
  String pendingHeapFor(int payload) {
    if (payload <= SMALL_PAYLOAD) {
      return pendingHeap;
    }
    long mb = (long) Math.ceil(1.4 * pendingCount * (payload + 512) / (1 << 20) / 256) * 256;
    return Math.max(mb, PendingCapacity.parseSize(pendingHeap) >> 20) + "m";
  }
}

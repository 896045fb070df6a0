package io.ackcoord.bench;

/**
 * Latency of one system at one offered rate (open loop), from each message's intended send time to its
 * completion, after the warm-up.
 *
 * @param system     the system's name
 * @param rate       offered rate, messages per second
 * @param sent       messages sent in the phase (warm-up included)
 * @param completed  messages that completed
 * @param failed     messages that failed
 * @param incomplete messages still unfinished when the phase gave up waiting; they are in the percentiles with
 *                   their age at that moment (a lower bound of their latency)
 * @param p50Ms      median latency, ms
 * @param p99Ms      99th percentile, ms
 * @param p999Ms     99.9th percentile, ms
 * @param maxMs      largest latency, ms
 */
public record LatencyResult(String system, double rate, long sent, long completed, long failed, long incomplete,
    double p50Ms, double p99Ms, double p999Ms, double maxMs) {

  /** A rate the system was not run at (far above its saturation): no figures. */
  public static LatencyResult notRun(String system, double rate) {
    return new LatencyResult(system, rate, 0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }

  /** Whether this rate was run at all. */
  public boolean ran() {
    return sent > 0;
  }

  /** Whether the system kept up: everything completed, nothing failed. */
  public boolean keptUp() {
    return incomplete == 0 && failed == 0;
  }
}

package io.ackcoord.bench;

import java.util.List;

/**
 * Throughput of one system in a closed loop (a bounded number of messages in flight, the next sent when one
 * completes), counted after the warm-up.
 *
 * @param system    the system's name
 * @param perSecond completed messages per second in the measured interval
 * @param completed messages completed in the measured interval
 * @param failed    messages that failed in the measured interval
 * @param seconds   length of the measured interval
 * @param rounds    the per-second figure of each round this one is the median of (empty for a single run)
 */
public record SaturationResult(String system, double perSecond, long completed, long failed, double seconds,
    List<Double> rounds) {

  public SaturationResult {
    rounds = List.copyOf(rounds);
  }

  /** A single measured interval. */
  public SaturationResult(String system, double perSecond, long completed, long failed, double seconds) {
    this(system, perSecond, completed, failed, seconds, List.of());
  }

  /**
   * Several rounds of one system as one result: the median rate (the lower middle one for an even count, so a
   * single lucky round cannot raise it), and the totals.
   */
  public static SaturationResult median(List<SaturationResult> rounds) {
    List<Double> rates = rounds.stream().map(SaturationResult::perSecond).toList();
    List<Double> sorted = rates.stream().sorted().toList();
    return new SaturationResult(rounds.get(0).system(), sorted.get((sorted.size() - 1) / 2),
        rounds.stream().mapToLong(SaturationResult::completed).sum(),
        rounds.stream().mapToLong(SaturationResult::failed).sum(),
        rounds.stream().mapToDouble(SaturationResult::seconds).sum(), rates);
  }
}

package io.ackcoord.producer.status;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * Accept-to-ACK latency of every ACKed message, in an HdrHistogram so percentiles stay exact to 3 significant
 * digits whatever the spread. Single-threaded: recorded and read on A's event loop.
 */
public final class LatencyStats {

  private final Histogram histogram = new Histogram(3_600_000L, 3);

  public void record(long millis) {
    histogram.recordValue(Math.max(0, Math.min(millis, histogram.getHighestTrackableValue())));
  }

  /** {@code {"count":…, "p50":…, "p90":…, "p99":…, "p999":…, "max":…}} in ms. */
  JsonObject toJson() {
    return new JsonObject()
        .put("count", histogram.getTotalCount())
        .put("p50", histogram.getValueAtPercentile(50))
        .put("p90", histogram.getValueAtPercentile(90))
        .put("p99", histogram.getValueAtPercentile(99))
        .put("p999", histogram.getValueAtPercentile(99.9))
        .put("max", histogram.getMaxValue());
  }
}

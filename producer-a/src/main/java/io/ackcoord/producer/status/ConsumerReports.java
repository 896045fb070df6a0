package io.ackcoord.producer.status;

import io.ackcoord.time.Clock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The latest figures each consumer B published on the stats topic, as A shows them: one entry per B instance, marked
 * {@code up}, {@code stale} (silent for longer than the stale threshold: crashed, hung or cut off) or
 * {@code stopped} (said goodbye), plus the sum over them. A B silent for {@value #DROP_FACTOR}× the stale threshold
 * is dropped, so instances that were scaled away do not linger.
 *
 * <p>B's counters count since that B process started: after a restart they begin again at 0, and so does its share
 * of the sum. Pure, with the clock injected; not thread-safe (A's event loop).
 */
public final class ConsumerReports {

  /** A B is forgotten after this many stale thresholds of silence. */
  public static final int DROP_FACTOR = 12;

  /**
   * Bs kept at most: reports are written by anyone who can write to the stats topic, and each B is one row on
   * the page, so a flood of invented ids is cut off here (the ids already known keep their rows).
   */
  public static final int MAX_INSTANCES = 1_000;

  private record Entry(ConsumerReport report, long receivedAt) {
  }

  private final Clock clock;
  private final long staleMillis;
  private final Map<String, Entry> latest = new TreeMap<>();
  private long refused;

  /** @param staleMillis silence after which a B is shown as stale */
  public ConsumerReports(Clock clock, long staleMillis) {
    this.clock = clock;
    this.staleMillis = staleMillis;
  }

  /**
   * Takes one report; returns {@code false} (and keeps nothing) when it names no {@code consumerId}, or names a new
   * B while {@value #MAX_INSTANCES} are known. A report older than the one held for the same B (by its own
   * {@code at}) is ignored, so a replay cannot roll figures back.
   */
  public boolean update(JsonObject json) {
    ConsumerReport report = ConsumerReport.parse(json).orElse(null);
    if (report == null) {
      refused++;
      return false;
    }
    Entry previous = latest.get(report.consumerId());
    if (previous == null && latest.size() >= MAX_INSTANCES) {
      refused++;
      return false;
    }
    if (previous != null && report.at() < previous.report().at()) {
      return true;
    }
    latest.put(report.consumerId(), new Entry(report, clock.monotonicMillis()));
    return true;
  }

  /**
   * {@code {"instances":[{…report, "state", "silentMs"}], "up":n, "stale":n, "stopped":n, "total":{…}}}, instances
   * by id; drops the ones silent for too long.
   */
  public JsonObject toJson() {
    long now = clock.monotonicMillis();
    JsonArray instances = new JsonArray();
    JsonObject total = new JsonObject();
    for (String key : ConsumerReport.SUMMED) {
      total.put(key, 0L);
    }
    int up = 0;
    int stale = 0;
    int stopped = 0;
    for (Iterator<Entry> it = latest.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      long silent = now - e.receivedAt();
      if (silent > staleMillis * DROP_FACTOR) {
        it.remove();
        continue;
      }
      String state;
      if (e.report().stopped()) {
        state = "stopped";
        stopped++;
      } else if (silent > staleMillis) {
        state = "stale";
        stale++;
      } else {
        state = "up";
        up++;
      }
      instances.add(e.report().toJson().put("state", state).put("silentMs", silent));
      for (String key : ConsumerReport.SUMMED) {
        total.put(key, saturatedAdd(total.getLong(key), e.report().counter(key)));
      }
    }
    return new JsonObject().put("instances", instances).put("up", up).put("stale", stale).put("stopped", stopped)
        .put("staleAfterMs", staleMillis).put("refused", refused).put("total", total);
  }

  // Forged reports may carry Long.MAX_VALUE: the sum stops there instead of turning negative.
  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}

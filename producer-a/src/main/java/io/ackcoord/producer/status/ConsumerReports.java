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

  /** The counters summed over every B listed. */
  static final String[] SUMMED = {"received", "processed", "duplicates", "poison", "acksSent", "nacksSent",
      "inProgressSent", "inFlight", "handlerFailures", "committed"};

  private record Entry(JsonObject report, long receivedAt) {
  }

  private final Clock clock;
  private final long staleMillis;
  private final Map<String, Entry> latest = new TreeMap<>();

  /** @param staleMillis silence after which a B is shown as stale */
  public ConsumerReports(Clock clock, long staleMillis) {
    this.clock = clock;
    this.staleMillis = staleMillis;
  }

  /**
   * Takes one report; returns {@code false} (and keeps nothing) when it names no {@code consumerId}. A report
   * older than the one held for the same B (by its own {@code at}) is ignored, so a replay cannot roll figures back.
   */
  public boolean update(JsonObject report) {
    Object id = report.getValue("consumerId");
    if (!(id instanceof String consumerId) || consumerId.isBlank()) {
      return false;
    }
    Entry previous = latest.get(consumerId);
    if (previous != null && at(report) < at(previous.report())) {
      return true;
    }
    latest.put(consumerId, new Entry(report, clock.monotonicMillis()));
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
    for (String key : SUMMED) {
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
      if (e.report().getBoolean("stopped", false)) {
        state = "stopped";
        stopped++;
      } else if (silent > staleMillis) {
        state = "stale";
        stale++;
      } else {
        state = "up";
        up++;
      }
      instances.add(e.report().copy().put("state", state).put("silentMs", silent));
      for (String key : SUMMED) {
        Object v = e.report().getValue(key);
        if (v instanceof Number n) {
          total.put(key, total.getLong(key) + n.longValue());
        }
      }
    }
    return new JsonObject().put("instances", instances).put("up", up).put("stale", stale).put("stopped", stopped)
        .put("staleAfterMs", staleMillis).put("total", total);
  }

  private static long at(JsonObject report) {
    Object v = report.getValue("at");
    return v instanceof Number n ? n.longValue() : 0;
  }
}

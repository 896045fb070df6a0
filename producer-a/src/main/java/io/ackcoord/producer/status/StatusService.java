package io.ackcoord.producer.status;

import io.ackcoord.producer.ProducerOptions;
import io.ackcoord.producer.coordinator.Coordinator;
import io.ackcoord.producer.status.RateWindow.Series;
import io.ackcoord.producer.timer.TimerLateness;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.producer.tracker.TrackerStats;
import io.ackcoord.time.Clock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Builds what A shows about itself: the {@code GET /api/status} document, and the larger snapshot the status page
 * receives every second over {@code GET /api/events} (status plus per-second series and the recent re-sends and dead
 * letters).
 *
 * <p>Everything it reads is O(1) or bounded by the page's own sizes (the rate window, the recent list, the number of
 * Bs), never by the number of pending messages, so the page costs the same with 10 or 100,000 pending. Runs on A's
 * event loop.
 */
public final class StatusService {

  /** Recent re-sends and dead letters per push: what fits the page's list. */
  static final int RECENT_PER_PUSH = 50;

  private final Coordinator coordinator;
  private final Supplier<ProducerOptions> options;
  private final LatencyStats latency;
  private final RateWindow rates;
  private final RecentEvents recent;
  private final ConsumerReports consumers;
  private final LongSupplier invalidReplies;
  private final LongSupplier foreignReplies;
  private final Clock clock;
  private final long startedAt;
  private final int replyPartition;
  private JsonObject configReload;
  private java.util.function.IntSupplier pageClients = () -> 0;
  private Supplier<List<String>> foreignProducers = List::of;

  public StatusService(Coordinator coordinator, Supplier<ProducerOptions> options, int replyPartition,
      LatencyStats latency, RateWindow rates, RecentEvents recent, ConsumerReports consumers, LongSupplier invalidReplies,
      LongSupplier foreignReplies, Clock clock) {
    this.coordinator = coordinator;
    this.options = options;
    this.replyPartition = replyPartition;
    this.latency = latency;
    this.rates = rates;
    this.recent = recent;
    this.consumers = consumers;
    this.invalidReplies = invalidReplies;
    this.foreignReplies = foreignReplies;
    this.clock = clock;
    this.startedAt = clock.wallMillis();
  }

  /** Where the ids of the other As sharing this A's reply partition come from (the reply listener). */
  public void foreignProducers(Supplier<List<String>> producers) {
    this.foreignProducers = producers;
  }

  /** Where the number of open status pages comes from (the event stream, once it exists). */
  public void pageClients(java.util.function.IntSupplier clients) {
    this.pageClients = clients;
  }

  /** Records a live reload of the config file, for the page's "config reloaded" note. */
  public void configReloaded(String file, List<String> changed, List<String> needRestart) {
    configReload = new JsonObject().put("at", clock.wallMillis()).put("file", file)
        .put("changed", new JsonArray(List.copyOf(changed)))
        .put("needRestart", new JsonArray(List.copyOf(needRestart)));
  }

  /** Trace {@code traceId}'s link in the trace UI {@code tracing.ui.url} names, or {@code null} when it is unset. */
  public String traceLink(String traceId) {
    return options.get().tracing().uiLink(traceId);
  }

  /** The {@code GET /api/status} document. */
  public JsonObject status() {
    MessageTracker tracker = coordinator.tracker();
    TrackerStats s = tracker.stats();
    ProducerOptions o = options.get();
    JsonObject json = new JsonObject()
        .put("producerId", o.producerId())
        // A status service exists only once A is connected; before that the verticle's gate answers "false".
        .put("connected", true)
        .put("replyPartition", replyPartition)
        .put("now", clock.wallMillis())
        .put("startedAt", startedAt)
        .put("sent", s.sent())
        .put("acked", s.acked())
        .put("pending", tracker.pendingCount())
        .put("retries", s.retries())
        .put("deadLettered", s.deadLettered())
        .put("duplicateAcks", s.duplicateAcks())
        .put("unknownAcks", s.unknownAcks())
        .put("staleReplies", s.staleReplies())
        .put("forgedReplies", s.forgedReplies())
        .put("nacks", s.nacks())
        .put("extensions", s.extensions())
        .put("sendFailures", s.sendFailures())
        .put("rejected", s.rejected())
        .put("recovered", s.recovered())
        .put("cancelled", s.cancelled())
        .put("repliesAfterCancel", s.repliesAfterCancel())
        .put("invalidReplies", invalidReplies.getAsLong())
        .put("foreignReplies", foreignReplies.getAsLong())
        .put("foreignProducers", new JsonArray(foreignProducers.get()))
        .put("pageClients", pageClients.getAsInt());
    TimerLateness timers = tracker.lateness();
    json.put("timers", new JsonObject()
        .put("fired", timers.fired())
        .put("lateP99Ms", timers.lateP99Millis())
        .put("lateMaxMs", timers.lateMaxMillis())
        .put("lateOver100Ms", timers.lateOver100Ms()));
    TrackedMessage oldest = tracker.oldestPending();
    json.put("oldestPending", oldest == null ? null : new JsonObject().put("id", oldest.id())
        .put("attempt", oldest.attempt())
        .put("ageMs", clock.monotonicMillis() - oldest.acceptedAtMonotonic()));
    json.put("rates", new JsonObject()
        .put("sendsPerSec10s", round(rates.average(Series.SENDS, 10)))
        .put("acksPerSec10s", round(rates.average(Series.ACKS, 10)))
        .put("retriesPerSec10s", round(rates.average(Series.RETRIES, 10)))
        .put("sendsPerSec60s", round(rates.average(Series.SENDS, 60)))
        .put("acksPerSec60s", round(rates.average(Series.ACKS, 60)))
        .put("retriesPerSec60s", round(rates.average(Series.RETRIES, 60))));
    return json
        .put("latencyMs", latency.toJson())
        .put("consumers", consumers.toJson())
        .put("config", o.config().toJson())
        .put("configReloadedAt", configReload == null ? null : configReload.getLong("at"))
        .put("configReload", configReload);
  }

  /** What the page receives on each push: {@link #status()} plus {@code series} and {@code recent}. */
  public JsonObject snapshot() {
    int n = rates.seconds();
    JsonObject series = new JsonObject()
        .put("seconds", n)
        .put("sends", array(rates.perSecond(Series.SENDS, n)))
        .put("acks", array(rates.perSecond(Series.ACKS, n)))
        .put("retries", array(rates.perSecond(Series.RETRIES, n)))
        .put("deadLetters", array(rates.perSecond(Series.DEAD_LETTERS, n)));
    JsonArray events = new JsonArray();
    for (RecentEvents.Event e : recent.latest(RECENT_PER_PUSH)) {
      events.add(new JsonObject().put("kind", e.kind().name()).put("id", e.id()).put("attempt", e.attempt())
          .put("at", e.at()).put("reason", e.reason()));
    }
    return status().put("series", series).put("recent", events).put("recentTotal", recent.total());
  }

  private static JsonArray array(long[] values) {
    JsonArray out = new JsonArray();
    for (long v : values) {
      out.add(v);
    }
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}

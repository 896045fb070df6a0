package io.ackcoord.producer.status;

import io.ackcoord.producer.timer.TimerLateness;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.producer.tracker.TrackerListener;
import io.ackcoord.producer.tracker.TrackerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * A's figures as Micrometer meters, scraped in Prometheus text at {@code GET /metrics} (vertx-micrometer-metrics'
 * {@code PrometheusScrapingHandler}): the tracker's counters (read when scraped, so they cost nothing per message),
 * a pending gauge, the age of the oldest pending message, and the send→ACK latency as a histogram.
 *
 * <p>A keeps a registry of its own rather than the Vert.x default one, so {@code /metrics} works however Vert.x was
 * launched, and an undeployed A takes its meters with it. The only per-message work is one timer record per ACK.
 */
public final class AckMetrics implements TrackerListener {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer latency;

  public AckMetrics(MessageTracker tracker, String producerId, LongSupplier oldestPendingAgeMillis) {
    registry.config().commonTags("producer", producerId);
    TrackerStats s = tracker.stats();
    counter("ackcoord.messages.sent", "Messages accepted: first attempt durably in topic 1", s, TrackerStats::sent);
    counter("ackcoord.messages.acked", "Messages ACKed by B", s, TrackerStats::acked);
    counter("ackcoord.messages.retries", "Re-sends (attempts after the first)", s, TrackerStats::retries);
    counter("ackcoord.messages.dead.lettered", "Messages given up on and written to the dead-letter topic", s,
        TrackerStats::deadLettered);
    counter("ackcoord.acks.duplicate", "ACKs for messages already final", s, TrackerStats::duplicateAcks);
    counter("ackcoord.acks.unknown", "Replies for ids this A does not know", s, TrackerStats::unknownAcks);
    counter("ackcoord.replies.forged", "Replies without proof of an attempt this A sent (ignored)", s,
        TrackerStats::forgedReplies);
    counter("ackcoord.replies.nack", "NACK replies acted on", s, TrackerStats::nacks);
    counter("ackcoord.replies.in.progress", "IN_PROGRESS replies that moved a deadline", s,
        TrackerStats::extensions);
    counter("ackcoord.sends.failed", "Sends that failed and were retried", s, TrackerStats::sendFailures);
    counter("ackcoord.messages.cancelled", "Pending messages an operator cancelled", s, TrackerStats::cancelled);
    counter("ackcoord.replies.after.cancel", "Replies for cancelled messages (counted, not applied)", s,
        TrackerStats::repliesAfterCancel);
    TimerLateness timers = tracker.lateness();
    counter("ackcoord.timers.fired", "Deadline timers fired (re-sends and dead letters due)", timers,
        TimerLateness::fired);
    counter("ackcoord.timers.late", "Deadline timers that fired more than 100 ms after their deadline", timers,
        TimerLateness::lateOver100Ms);
    Gauge.builder("ackcoord.timers.lateness.p99", timers, t -> t.lateP99Millis() / 1000.0)
        .description("99th percentile of how late deadline timers fired, since start").baseUnit("seconds")
        .register(registry);
    Gauge.builder("ackcoord.timers.lateness.max", timers, t -> t.lateMaxMillis() / 1000.0)
        .description("Latest a deadline timer fired after its deadline, since start").baseUnit("seconds")
        .register(registry);
    Gauge.builder("ackcoord.messages.pending", tracker, MessageTracker::pendingCount)
        .description("Messages sent and not yet ACKed or dead-lettered").register(registry);
    Gauge.builder("ackcoord.messages.oldest.pending.age", oldestPendingAgeMillis, a -> a.getAsLong() / 1000.0)
        .description("Age of the oldest pending message in seconds, 0 when none").baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    latency = Timer.builder("ackcoord.ack.latency")
        .description("Time from accepting a message to its ACK")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofHours(1))
        .register(registry);
  }

  /** Counts replies for other As sharing this A's reply partition (read and skipped), for their rate. */
  public void foreignReplies(LongSupplier count) {
    counter("ackcoord.replies.foreign", "Replies for other As sharing this A's reply partition, read and skipped",
        count, LongSupplier::getAsLong);
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void acked(TrackedMessage message) {
    latency.record(Duration.ofMillis(Math.max(0, message.latencyMillis())));
  }

  public void close() {
    registry.close();
  }

  private <T> void counter(String name, String description, T source, ToDoubleFunction<T> value) {
    FunctionCounter.builder(name, source, value).description(description).register(registry);
  }
}

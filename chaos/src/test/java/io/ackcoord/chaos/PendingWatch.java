package io.ackcoord.chaos;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A's pending count, sampled every {@value #INTERVAL_MS} ms on a thread of its own while a chaos phase runs, so
 * the phase can say how long the system took to recover from each fault: from the moment the fault ended (B or A
 * restarted or resumed, the broker back) until A's pending count was back to normal. A that does not answer counts
 * as not recovered.
 */
final class PendingWatch implements AutoCloseable {

  static final long INTERVAL_MS = 100;

  private record Sample(long nanos, long pending) {
  }

  private final Supplier<JsonObject> status;
  private final List<Sample> samples = new ArrayList<>();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "pending-watch");
    t.setDaemon(true);
    return t;
  });

  /** @param status A's {@code /api/status}, or {@code null} when A does not answer */
  PendingWatch(Supplier<JsonObject> status) {
    this.status = status;
    sampler.scheduleWithFixedDelay(this::sample, 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
  }

  private void sample() {
    JsonObject s = status.get();
    long pending = s == null || !s.getBoolean("connected", false) ? -1 : s.getLong("pending", -1L);
    synchronized (samples) {
      samples.add(new Sample(System.nanoTime(), pending));
    }
  }

  /** The highest pending count sampled in {@code [fromNanos, untilNanos)}, or 0 if none answered. */
  long highest(long fromNanos, long untilNanos) {
    synchronized (samples) {
      return samples.stream().filter(s -> s.nanos >= fromNanos && s.nanos < untilNanos)
          .mapToLong(Sample::pending).max().orElse(0);
    }
  }

  /**
   * Milliseconds from {@code fromNanos} until the first sample, before {@code untilNanos}, with A answering and at
   * most {@code normal} pending; -1 if there is none.
   */
  long recoveryMillis(long fromNanos, long untilNanos, long normal) {
    synchronized (samples) {
      return samples.stream()
          .filter(s -> s.nanos >= fromNanos && s.nanos < untilNanos && s.pending >= 0 && s.pending <= normal)
          .mapToLong(s -> (s.nanos - fromNanos) / 1_000_000).findFirst().orElse(-1);
    }
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}

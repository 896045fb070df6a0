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
 * the phase can say how long each fault disturbed the system: until A's pending count was back to normal, from the
 * fault's start (outage) and from its end (recovery). An A that does not answer counts as not normal.
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

  /**
   * Milliseconds from {@code fromNanos} until A's pending count is back to at most {@code normal} after it first
   * went above it (or A stopped answering), both before {@code untilNanos}: how long the fault's effect lasted,
   * wherever within or after the fault it ended. 0 if it never went above; -1 if it was not back by then.
   */
  long outageMillis(long fromNanos, long untilNanos, long normal) {
    synchronized (samples) {
      boolean hit = false;
      for (Sample s : samples) {
        if (s.nanos < fromNanos || s.nanos >= untilNanos) {
          continue;
        }
        boolean isNormal = s.pending >= 0 && s.pending <= normal;
        if (!hit && !isNormal) {
          hit = true;
        } else if (hit && isNormal) {
          return (s.nanos - fromNanos) / 1_000_000;
        }
      }
      return hit ? -1 : 0;
    }
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}

package io.ackcoord.producer.coordinator;

import io.ackcoord.producer.ledger.LedgerEntry;
import io.ackcoord.producer.ledger.Position;
import io.ackcoord.producer.status.AckMetrics;
import io.ackcoord.producer.status.RateWindow;
import io.ackcoord.producer.status.RecentEvents;
import io.ackcoord.producer.timer.FakeScheduler;
import io.ackcoord.producer.timer.RetryPolicy;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.time.ManualClock;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Measures A's heap per pending message: fills a {@link Coordinator} (fake outbound and ledger, manual clock) with
 * {@code n} messages through the same calls HTTP submissions make, with the status page's listeners attached, forces
 * a GC and prints the retained bytes per message; then, as if B stayed down, lets every message be re-sent up to the
 * last attempt and prints the time per slice of due timers and the bytes per message after each round; then the
 * class histogram of the live heap. A measuring tool for
 * issue 5, not a test; README's Development section has the command.
 */
public final class PendingFootprint {

  private PendingFootprint() {
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int payloadBytes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    ManualClock clock = new ManualClock();
    MessageTracker tracker = new MessageTracker(clock, new RetryPolicy(30_000, 5, 2.0, 300_000, 0.1, 1000, 900_000),
        () -> 0.5, 100_000);
    tracker.addListener(new RateWindow(clock, 300));
    tracker.addListener(new RecentEvents(clock, 200));
    tracker.addListener(new AckMetrics(tracker, "footprint", () -> 0));
    FakeScheduler scheduler = new FakeScheduler(clock);
    Coordinator coordinator = new Coordinator(tracker, new NullOutbound(), new io.ackcoord.producer.ledger.WriteBarrier(), scheduler, clock,
        "footprint", 0, 500, Integer.MAX_VALUE);
    coordinator.start(java.util.List.of());
    coordinator.open();
    long before = usedAfterGc();
    byte[] template = "x".repeat(payloadBytes).getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < n; i++) {
      // As HTTP does: a fresh id string, a fresh payload array and a fresh content-type string per request.
      coordinator.submit(UUID.randomUUID().toString(), template.clone(), new String("application/json"), 0);
      if (i % 1000 == 999) {
        clock.advanceMillis(1);
      }
    }
    long after = usedAfterGc();
    System.out.printf("pending %,d messages of %d payload bytes: %,d bytes retained, %.1f bytes per message%n",
        tracker.pendingCount(), payloadBytes, after - before, (after - before) / (double) n);
    // B stays down: every message is re-sent (attempts 2 to 5), each re-send keeping the attempt before in the
    // history. The deadline timer works them off in slices of retry.burst.max, as in production.
        for (int attempt = 2; attempt <= 5; attempt++) {
      clock.advanceMillis(tracker.nextDeadline() - clock.monotonicMillis());
      long fired = tracker.lateness().fired();
      long t0 = System.nanoTime();
      // Deadlines of one round are spread over about a second; the next round's are a minute or more later.
      scheduler.advance(10_000);
      long slices = Math.max(1, (tracker.lateness().fired() - fired + 499) / 500);
      long used = usedAfterGc();
      System.out.printf("re-send round to attempt %d: %,d timers in %,d slices of 500, %.0f us per slice; "
          + "%.1f bytes per pending message%n", attempt, tracker.lateness().fired() - fired, slices,
          (System.nanoTime() - t0) / 1000.0 / slices, (used - before) / (double) n);
    }
    Process jcmd = new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
        .redirectErrorStream(true).start();
    try (var lines = jcmd.inputReader().lines()) {
      lines.limit(25).forEach(System.out::println);
    }
    // Keeps the coordinator reachable until after the histogram.
    System.out.println("pending at end: " + coordinator.tracker().pendingCount());
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Confirms every send at once, at the next offset of one partition, as topic 1 would; keeps nothing. */
  private static final class NullOutbound implements Coordinator.Outbound {
    private long offset;

    @Override
    public io.vertx.core.Future<Position> send(io.ackcoord.protocol.Envelope envelope) {
      return io.vertx.core.Future.succeededFuture(new Position(0, offset++));
    }

    @Override
    public io.vertx.core.Future<byte[]> payload(String id, Position at) {
      return io.vertx.core.Future.succeededFuture(new byte[0]);
    }

    @Override
    public io.vertx.core.Future<Void> deadLetter(io.ackcoord.protocol.Envelope envelope, String reason) {
      return io.vertx.core.Future.succeededFuture();
    }
  }

}

package io.ackcoord.bench;

import io.ackcoord.testkit.ManagedProcess;
import io.ackcoord.testkit.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Pending capacity: B started and frozen (SIGSTOP), A in a child JVM with a fixed heap, {@code count} messages
 * submitted over HTTP, the first few with a short timeout of their own so that their timers fire (and fire again)
 * while A holds the rest. Then A's timers as they stand, A's heap after a full GC per pending message (the one full
 * GC the scenario forces, after the timers are read), the re-sends, and, after B is continued (SIGCONT), the time
 * until A has nothing pending.
 */
final class PendingCapacity {

  private static final Duration POLL = Duration.ofMillis(250);
  /** Submissions go in this many steps, A's status read after each. */
  private static final int STEPS = 10;
  private final Launcher launcher;
  private final Vertx vertx;
  private final Consumer<String> log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private int statusFailures;

  PendingCapacity(Launcher launcher, Vertx vertx, Consumer<String> log) {
    this.launcher = launcher;
    this.vertx = vertx;
    this.log = log;
  }

  /**
   * @param payloadBytes size of every payload
   * @param heap         A's heap, e.g. {@code 512m}
   * @param ackTimeoutMs A's {@code ack.timeout.ms}: longer than the whole scenario, so the drain is not a re-send
   *                     storm
   * @param shortCount   messages sent first, with their own timeout {@code shortTimeoutMs}
   * @param drainTimeout longest wait for the pending count to reach 0
   */
  PendingResult run(String prefix, int payloadBytes, long count, String heap, long ackTimeoutMs, long shortCount,
      long shortTimeoutMs, Duration drainTimeout) {
    LoadGenerator load = new LoadGenerator(new Payloads(payloadBytes, 42));
    int port = Ports.free();
    try (ManagedProcess b = launcher.consumerB("b-pending", prefix, "at-least-once", "group");
         ManagedProcess a = launcher.producerA("a-pending", prefix,
             // An A out of heap exits (and says so) instead of limping on.
             "-Xms" + heap + " -Xmx" + heap + " -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError", Map.of(
                 "PRODUCER_ID", "bench-pending",
                 "HTTP_PORT", Integer.toString(port),
                 "ACK_TIMEOUT_MS", Long.toString(ackTimeoutMs),
                 "RETRY_MAX_ATTEMPTS", "10",
                 "CONFIG_SCAN_PERIOD_MS", "0"))) {
      b.pause();
      long heapIdle = Jcmd.usedHeapAfterFullGc(a.pid());
      log.accept("B frozen; A's heap after a full GC: " + Format.mb(heapIdle) + "; submitting " + count
          + " messages in steps of " + Math.max(1, count / STEPS));
      long firstSubmit = System.nanoTime();
      long submitting = 0;
      long accepted = 0;
      long pending = 0;
      long heapPending = heapIdle;
      long sent = 0;
      String failure = null;
      PendingResult.Timers timers = null;
      while (sent < count) {
        // The short-timeout messages first, then the rest in steps, so a failure is located within a step.
        boolean first = sent < shortCount;
        long n = first ? shortCount : Math.min(Math.max(1, count / STEPS), count - sent);
        long stepStart = System.nanoTime();
        try (HttpSubmitPipeline submit = new HttpSubmitPipeline(vertx, port, first ? shortTimeoutMs : 0)) {
          accepted += load.fixedCount(submit, "pending-" + sent + "-", n, HttpSubmitPipeline.IN_FLIGHT, drainTimeout)
              .completed();
        }
        submitting += System.nanoTime() - stepStart;
        sent += n;
        JsonObject s = status(port);
        if (!a.isAlive() || s == null) {
          failure = died(a, sent);
          break;
        }
        pending = s.getLong("pending", 0L);
        // No full GC between steps: a forced stop-the-world collection of a few hundred MB would stall A's
        // timers, and the figures would measure the benchmark, not A.
        heapPending = Jcmd.usedHeap(Jcmd.run(a.pid(), "GC.heap_info"));
        log.accept(String.format("%d submitted, %d pending, A's heap %s (before GC)", sent, pending,
            Format.mb(heapPending)));
      }
      double rate = accepted / (submitting / 1e9);
      log.accept(String.format("submitted: %d accepted in %.1f s of submitting (%.0f/s)", accepted,
          submitting / 1e9, rate));
      double drain = -1;
      long resendsFrozen = 0;
      JsonObject end = new JsonObject();
      if (failure == null) {
        // Let the short deadlines pass while B is frozen, so their timers fire.
        long firstDeadline = firstSubmit + Duration.ofMillis(shortTimeoutMs).plusSeconds(5).toNanos();
        while (System.nanoTime() < firstDeadline) {
          LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        }
        // The timers as they stand before the one forced full GC below, which would stall those due during it.
        JsonObject beforeGc = status(port);
        timers = beforeGc == null ? null : timers(beforeGc.getJsonObject("timers"));
        heapPending = Jcmd.usedHeapAfterFullGc(a.pid());
        JsonObject frozen = status(port);
        pending = frozen == null ? pending : frozen.getLong("pending", pending);
        log.accept(String.format("%d pending, A's heap after a full GC %s", pending, Format.mb(heapPending)));
        resendsFrozen = retries(frozen);
        log.accept("re-sends while B was frozen: " + resendsFrozen + "; continuing B");
        b.resume();
        long resumed = System.nanoTime();
        long deadline = resumed + drainTimeout.toNanos();
        while (System.nanoTime() < deadline && a.isAlive()) {
          JsonObject s = status(port);
          if (s != null && s.getLong("pending", -1L) == 0) {
            drain = (System.nanoTime() - resumed) / 1e9;
            break;
          }
          LockSupport.parkNanos(POLL.toNanos());
        }
        JsonObject last = status(port);
        end = last == null ? end : last;
        if (!a.isAlive()) {
          failure = died(a, sent);
        } else if (statusFailures > 0) {
          failure = statusFailures + " status request(s) unanswered";
        }
        log.accept(String.format("drained in %.1f s; re-sends %d, dead-lettered %d, A %s", drain, retries(end),
            end.getLong("deadLettered", 0L), failure == null ? "stayed up" : "did NOT stay up: " + failure));
      } else {
        log.accept("A did NOT stay up: " + failure);
      }
      return new PendingResult(payloadBytes, count, accepted, rate, parseSize(heap), heapIdle, heapPending, pending,
          ackTimeoutMs, shortCount, shortTimeoutMs, retries(end), resendsFrozen, end.getLong("deadLettered", 0L),
          failure, drain, timers);
    }
  }

  private static String died(ManagedProcess a, long sent) {
    boolean oom = a.recentOutput().contains("OutOfMemoryError");
    return (oom ? "out of heap (OutOfMemoryError)" : a.isAlive() ? "stopped answering" : "exited")
        + " after " + Format.count(sent) + " submissions";
  }

  private static long retries(JsonObject status) {
    return status == null ? 0 : status.getLong("retries", 0L);
  }

  static PendingResult.Timers timers(JsonObject t) {
    if (t == null) {
      return null;
    }
    return new PendingResult.Timers(t.getLong("fired", 0L), t.getDouble("lateP99Ms", 0.0),
        t.getDouble("lateMaxMs", 0.0), t.getLong("lateOver100Ms", 0L));
  }

  private JsonObject status(int port) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/api/status")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        return new JsonObject(r.body());
      }
    } catch (IOException e) {
      // counted below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    statusFailures++;
    return null;
  }

  static long parseSize(String size) {
    char unit = Character.toLowerCase(size.charAt(size.length() - 1));
    long n = Long.parseLong(Character.isDigit(unit) ? size : size.substring(0, size.length() - 1));
    return switch (unit) {
      case 'k' -> n << 10;
      case 'm' -> n << 20;
      case 'g' -> n << 30;
      default -> n;
    };
  }
}

package io.ackcoord.chaos;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open-loop traffic to A over loopback: one POST every 1/rate s with a caller-chosen id, whatever A's state, so
 * faults meet a steady stream. Remembers every id it submitted and every id A accepted (202), which is what the
 * books are balanced against. Bounded: it stops by itself after {@code maxMessages}.
 */
final class Traffic implements AutoCloseable {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private final Set<String> submitted = ConcurrentHashMap.newKeySet();
  private final Set<String> accepted = ConcurrentHashMap.newKeySet();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger seq = new AtomicInteger();
  private final URI uri;
  private final int maxMessages;
  private final String idPrefix;

  /** @param idPrefix prepended to the ids, so successive runs on one deployment never reuse one */
  Traffic(int port, int ratePerSecond, int maxMessages, String idPrefix) {
    this.uri = URI.create("http://127.0.0.1:" + port + "/api/messages");
    this.maxMessages = maxMessages;
    this.idPrefix = idPrefix;
    ticker.scheduleAtFixedRate(this::send, 0, 1_000_000L / ratePerSecond, TimeUnit.MICROSECONDS);
  }

  private void send() {
    int n = seq.incrementAndGet();
    if (n > maxMessages) {
      return;
    }
    String id = idPrefix + n;
    submitted.add(id);
    inFlight.incrementAndGet();
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .header("X-Ackcoord-Id", id)
        .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + n + "}"))
        .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, err) -> {
      if (err == null && response.statusCode() == 202) {
        accepted.add(id);
      }
      inFlight.decrementAndGet();
    });
  }

  /** Stops sending and waits for the answers to what is in flight. */
  @Override
  public void close() {
    ticker.shutdownNow();
    CountDownLatch none = new CountDownLatch(1);
    ScheduledExecutorService poll = Executors.newSingleThreadScheduledExecutor();
    poll.scheduleAtFixedRate(() -> {
      if (inFlight.get() == 0) {
        none.countDown();
      }
    }, 0, 50, TimeUnit.MILLISECONDS);
    try {
      none.await(90, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      poll.shutdownNow();
    }
  }

  Set<String> submitted() {
    return Set.copyOf(submitted);
  }

  Set<String> accepted() {
    return Set.copyOf(accepted);
  }
}

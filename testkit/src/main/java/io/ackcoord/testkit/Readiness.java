package io.ackcoord.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waits for an A or B process to be ready the way an orchestrator does: {@code GET /health/ready} answers 200 (A:
 * connected, reply partition assigned, ledger restored; B: partitions assigned and restored). A port that accepts
 * connections says much less: A listens before it reaches Kafka.
 */
public final class Readiness {

  /** The readiness probe's path. */
  public static final String PATH = "/health/ready";

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Readiness() {
  }

  /**
   * Returns once the process on {@code port} (plain HTTP on 127.0.0.1) is ready.
   *
   * @throws IllegalStateException if it is not within {@code timeout} or exits first; the message has its last
   *     output
   */
  public static void await(ManagedProcess process, int port, Duration timeout) {
    try {
      Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200))
          .until(() -> !process.isAlive() || ready(port));
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(process + " not ready on port " + port + " within " + timeout
          + "; last output:" + System.lineSeparator() + process.recentOutput(), e);
    }
    if (!process.isAlive()) {
      throw new IllegalStateException(process + " exited before it was ready; last output:"
          + System.lineSeparator() + process.recentOutput());
    }
  }

  /** Whether {@code GET /health/ready} on 127.0.0.1:{@code port} answers 200 now. */
  public static boolean ready(int port) {
    try {
      HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + PATH))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

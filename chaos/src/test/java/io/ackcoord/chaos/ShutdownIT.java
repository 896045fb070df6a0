package io.ackcoord.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.testkit.Books;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SIGTERM is a clean stop: A finishes what it accepted before it exits, and nothing accepted is lost. */
class ShutdownIT {

  /** What stop may take with the broker gone: B's and A's shutdown.timeout.ms (10 s) plus closing the clients. */
  private static final Duration STOP_BOUND = Duration.ofSeconds(40);

  @Test
  @DisplayName("A stopped with SIGTERM under traffic exits cleanly; a restarted A finishes every accepted message")
  void producerSigterm() {
    try (Deployment d = new Deployment("sigterm-a", null)) {
      d.startConsumer("b1");
      d.startProducer();
      Traffic traffic = new Traffic(d.httpPort, 50, 5_000, "t-");
      await().atMost(Duration.ofSeconds(30)).until(() -> traffic.accepted().size() >= 100);

      int exit = d.producer().stop(Duration.ofSeconds(30));
      traffic.close();

      // 143 = terminated by SIGTERM after the JVM's shutdown hooks ran (Vert.x undeploys, A closes in order).
      assertThat(exit).as("A's exit status").isIn(0, 143);
      String output = d.producer().recentOutput();
      assertThat(output).contains("Producer A 'a-chaos' stopped");
      // ackcoord's own loggers (i.a.*) must stay quiet through the stop: no failed write, no unexpected error.
      assertThat(output.lines().filter(l -> l.contains(" i.a.") && (l.contains(" WARN ") || l.contains(" ERROR "))))
          .isEmpty();
      assertThat(restartedAndDrained(d, traffic).accepted()).isGreaterThanOrEqualTo(100);
    }
  }

  @Test
  @DisplayName("A and B stopped with SIGTERM while the broker is down exit within their shutdown timeout; nothing "
      + "accepted is lost")
  void sigtermWithoutBroker() throws Exception {
    try (Deployment d = new Deployment("sigterm-no-broker", null)) {
      d.startConsumer("b1");
      d.startProducer();
      Traffic traffic = new Traffic(d.httpPort, 50, 5_000, "n-");
      await().atMost(Duration.ofSeconds(30)).until(() -> traffic.accepted().size() >= 100);

      d.broker.kill();
      // Both at once and with traffic still coming, as an orchestrator stops a deployment whose broker is gone:
      // A holds sends the broker will never confirm. Without a bound, A's producer close and B's commits wait out
      // Kafka's timeouts (delivery.timeout.ms is 2 min) until the launcher's own grace runs out.
      long start = System.nanoTime();
      var a = CompletableFuture.supplyAsync(() -> d.producer().stop(STOP_BOUND.plusMinutes(3)));
      int bExit = d.consumer("b1").stop(STOP_BOUND.plusMinutes(3));
      int aExit = a.get();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      traffic.close();

      assertThat(took).as("A and B stopped after " + took).isLessThan(STOP_BOUND);
      assertThat(aExit).as("A's exit status").isIn(0, 143);
      assertThat(bExit).as("B's exit status").isIn(0, 143);
      assertThat(d.producer().recentOutput()).contains("Producer A 'a-chaos' stopped");

      d.broker.restart();
      d.startConsumer("b1");
      restartedAndDrained(d, traffic);
    }
  }

  /** Starts A again, waits until it has nothing pending, and checks that the books balance. */
  private static Books restartedAndDrained(Deployment d, Traffic traffic) {
    d.startProducer();
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      var s = d.status();
      return s != null && s.getBoolean("connected", false) && s.getLong("pending") == 0;
    });
    Books books = d.books(traffic.accepted(), traffic.submitted());
    assertThat(books.clean()).as(books.line() + " — " + books.details()).isTrue();
    return books;
  }
}

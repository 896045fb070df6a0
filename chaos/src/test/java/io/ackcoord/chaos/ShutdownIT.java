package io.ackcoord.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.testkit.Books;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SIGTERM is a clean stop: A finishes what it accepted before it exits, and nothing accepted is lost. */
class ShutdownIT {

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
      d.startProducer();
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
        var s = d.status();
        return s != null && s.getBoolean("connected", false) && s.getLong("pending") == 0;
      });
      Books books = d.books(traffic.accepted(), traffic.submitted());
      assertThat(books.clean()).as(books.line() + " — " + books.details()).isTrue();
      assertThat(books.accepted()).isGreaterThanOrEqualTo(100);
    }
  }
}

package io.ackcoord.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.testkit.Books;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scale-out on Kafka itself: several As (one producer id each) and three Bs (one consumer group) on one set of
 * topics, traffic to every A, one B killed with SIGKILL during it and restarted later; then the books of every A.
 *
 * <p>The producer ids are chosen for what they hash to over topic 2's three partitions: {@code scale-a1} and
 * {@code scale-a3} land on the same reply partition, {@code scale-a2} on another. So the run covers both cases:
 * an A alone on its partition reads no one else's replies, and two As sharing one each read the other's, skip them
 * without counting them as unknown or invalid, and name each other on {@code /api/status}. The figures (replies
 * read and skipped per second) go to {@code chaos/target/scale-out-summary.txt}.
 *
 * <p>The B is killed once the traffic runs, left dead past its session timeout (10 s: the group moves its
 * partition to the other two), then restarted under the same name (static member: it takes a partition back, so a
 * second rebalance revokes one from a live B while traffic flows).
 */
class ScaleOutIT {

  private static final Logger LOG = LoggerFactory.getLogger(ScaleOutIT.class);
  private static final List<String> PRODUCERS = List.of("scale-a1", "scale-a2", "scale-a3");
  /** Messages per second to each A. */
  private static final int RATE = 15;

  private final Map<String, Traffic> traffic = new LinkedHashMap<>();

  @Test
  @DisplayName("3 As and 3 Bs, one B killed mid-traffic: every A's books balance; As sharing a reply partition "
      + "skip each other's replies")
  void scaleOut() {
    try (Deployment d = new Deployment("scale-out", null)) {
      d.startConsumers("b1", "b2", "b3");
      d.startProducers(PRODUCERS.toArray(String[]::new));

      Map<String, Integer> partitions = new LinkedHashMap<>();
      PRODUCERS.forEach(id -> partitions.put(id, d.status(id).getInteger("replyPartition")));
      LOG.info("reply partitions: {}", partitions);
      assertThat(partitions.get("scale-a1")).as("scale-a1 and scale-a3 hash to one partition")
          .isEqualTo(partitions.get("scale-a3"));
      assertThat(partitions.get("scale-a2")).as("scale-a2 has one of its own")
          .isNotEqualTo(partitions.get("scale-a1"));

      long trafficStart = System.nanoTime();
      try {
        PRODUCERS.forEach(id -> traffic.put(id, new Traffic(d.port(id), RATE, RATE * 300, id + "-")));
        afterSubmissions(RATE * 3);
        LOG.info("killing b2 (SIGKILL)");
        d.consumer("b2").kill();
        // Past the 10 s session timeout: the group gives b2's partition to b1 and b3.
        afterSubmissions(RATE * 14);
        LOG.info("restarting b2");
        d.startConsumer("b2");
        afterSubmissions(RATE * 5);
      } finally {
        traffic.values().forEach(Traffic::close);
      }
      double trafficSeconds = (System.nanoTime() - trafficStart) / 1e9;

      Books books = drain(d);
      Map<String, JsonObject> status = new LinkedHashMap<>();
      PRODUCERS.forEach(id -> status.put(id, d.status(id)));
      StringBuilder summary = new StringBuilder("scale-out, 3 A / 3 B, one B killed and restarted, at-least-once: "
          + books.line() + " (" + books.details() + ")\n");
      for (String id : PRODUCERS) {
        JsonObject s = status.get(id);
        String line = String.format("%s: reply partition %d, accepted %d, acked %d, foreign replies read and "
                + "skipped %d (%.1f/s over %.0f s of traffic), sharing with %s", id, s.getInteger("replyPartition"),
            traffic.get(id).accepted().size(), s.getLong("acked"), s.getLong("foreignReplies"),
            s.getLong("foreignReplies") / trafficSeconds, trafficSeconds, s.getJsonArray("foreignProducers"));
        LOG.info(line);
        summary.append(line).append('\n');
      }
      write(summary.toString());

      assertThat(books.lost()).as("lost: %s — %s", books.line(), books.details()).isZero();
      assertThat(books.duplicateEffects()).as("duplicate effects: %s — %s", books.line(), books.details()).isZero();
      assertThat(books.unexpected()).as("unexpected: %s", books.line()).isZero();
      assertThat(books.stuck()).as("stuck: %s", books.line()).isZero();
      Set<String> submitted = allSubmitted();
      for (String id : PRODUCERS) {
        Set<String> accepted = traffic.get(id).accepted();
        assertThat(accepted).as("%s accepted traffic", id).isNotEmpty();
        Books own = d.books(accepted, submitted);
        assertThat(own.lost()).as("%s lost: %s", id, own.details()).isZero();
        JsonObject s = status.get(id);
        assertThat(s.getLong("acked")).as("%s acked its own messages", id).isGreaterThanOrEqualTo(accepted.size());
        assertThat(s.getLong("unknownAcks")).as("%s: another A's replies are not unknown ACKs", id).isZero();
        assertThat(s.getLong("invalidReplies")).as("%s: nor invalid (poison)", id).isZero();
      }
      assertThat(status.get("scale-a2").getLong("foreignReplies")).as("alone on its partition").isZero();
      assertThat(status.get("scale-a1").getJsonArray("foreignProducers")).containsExactly("scale-a3");
      assertThat(status.get("scale-a3").getJsonArray("foreignProducers")).containsExactly("scale-a1");
      assertThat(status.get("scale-a1").getLong("foreignReplies")).isPositive();
      assertThat(logOf(d, "scale-a1")).contains("is shared with producer 'scale-a3'");
    }
  }

  // Waits until no A has anything pending and the books balance, then returns the final books.
  private Books drain(Deployment d) {
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> PRODUCERS.stream()
        .map(d::status)
        .allMatch(s -> s != null && s.getBoolean("connected", false) && s.getLong("pending") == 0));
    Set<String> accepted = new HashSet<>();
    traffic.values().forEach(t -> accepted.addAll(t.accepted()));
    return d.balancedBooks(accepted, allSubmitted());
  }

  private Set<String> allSubmitted() {
    Set<String> submitted = new HashSet<>();
    traffic.values().forEach(t -> submitted.addAll(t.submitted()));
    return submitted;
  }

  // The clock of the run: so many more submissions to each A, from the open-loop traffic.
  private void afterSubmissions(int perProducer) {
    Map<String, Integer> targets = new LinkedHashMap<>();
    traffic.forEach((id, t) -> targets.put(id, t.submitted().size() + perProducer));
    await().atMost(Duration.ofSeconds(30L + perProducer / RATE * 2L)).pollInterval(Duration.ofMillis(50))
        .until(() -> targets.entrySet().stream()
            .allMatch(e -> traffic.get(e.getKey()).submitted().size() >= e.getValue()));
  }

  private static String logOf(Deployment d, String producerId) {
    try {
      return Files.readString(d.producer(producerId).logFile());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void write(String summary) {
    try {
      Path file = Path.of("target", "scale-out-summary.txt");
      Files.createDirectories(file.getParent());
      Files.writeString(file, summary);
    } catch (IOException e) {
      LOG.warn("could not write the scale-out summary: {}", e.getMessage());
    }
  }
}

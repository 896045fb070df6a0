package io.ackcoord.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.testkit.Books;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults while traffic flows, then the books: lost 0, duplicate effects 0, unexpected 0, stuck 0. The broker, A and
 * B are separate processes; faults are SIGKILL, SIGSTOP/SIGCONT and broker restarts. Time between faults is
 * measured in traffic (so many more submissions), not in sleeps.
 *
 * <p>Size: {@code -Dchaos.scale=N} multiplies traffic and fault counts (1 in CI). Seed of the random schedule:
 * {@code -Dchaos.seed}; it is logged with each run so a failure can be replayed.
 */
class ChaosIT {

  private static final Logger LOG = LoggerFactory.getLogger(ChaosIT.class);
  private static final int SCALE = Integer.getInteger("chaos.scale", 1);
  private static final long SEED = Long.getLong("chaos.seed", System.nanoTime());
  private static final int RATE = 40;

  private Deployment d;
  private Traffic traffic;
  private Random random;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"at-least-once"})
  @DisplayName("B killed with SIGKILL at random moments and restarted")
  void consumerKilled(String guarantee) {
    run("b-killed", guarantee, 1, d -> {
      for (int i = 0; i < 3 * SCALE; i++) {
        afterSubmissions(20 + random.nextInt(60));
        d.consumer("b1").kill();
        afterSubmissions(RATE * 2);
        d.startConsumer("b1");
      }
    });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"at-least-once"})
  @DisplayName("A killed with SIGKILL mid-stream and restarted with the same producer id")
  void producerKilled(String guarantee) {
    run("a-killed", guarantee, 1, d -> {
      for (int i = 0; i < 2 * SCALE; i++) {
        afterSubmissions(40 + random.nextInt(60));
        d.producer().kill();
        afterSubmissions(RATE * 2);
        d.startProducer();
      }
    });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"at-least-once"})
  @DisplayName("the broker stopped and restarted mid-stream")
  void brokerRestarted(String guarantee) {
    run("broker-restart", guarantee, 1, d -> {
      for (int i = 0; i < SCALE; i++) {
        afterSubmissions(60 + random.nextInt(60));
        d.broker.stop();
        afterSubmissions(RATE * 3);
        d.broker.restart();
      }
    });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"at-least-once"})
  @DisplayName("a B frozen past its session timeout loses its partitions, then resumes as a zombie")
  void consumerFrozen(String guarantee) {
    run("b-frozen", guarantee, 2, d -> {
      for (int i = 0; i < SCALE; i++) {
        afterSubmissions(60 + random.nextInt(40));
        d.consumer("b1").pause();
        afterSubmissions(RATE * 14);
        d.consumer("b1").resume();
      }
    });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"at-least-once"})
  @DisplayName("A frozen past the ACK timeout, then resumed: a burst of overdue timers")
  void producerFrozen(String guarantee) {
    run("a-frozen", guarantee, 1, d -> {
      for (int i = 0; i < SCALE; i++) {
        afterSubmissions(60 + random.nextInt(40));
        d.producer().pause();
        afterSubmissions(RATE * 5);
        d.producer().resume();
      }
    });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"at-least-once"})
  @DisplayName("the broker frozen for 15 s, a stand-in for a network partition")
  void brokerFrozen(String guarantee) {
    run("broker-frozen", guarantee, 1, d -> {
      for (int i = 0; i < SCALE; i++) {
        afterSubmissions(60 + random.nextInt(40));
        d.broker.pause();
        afterSubmissions(RATE * 15);
        d.broker.resume();
      }
    });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"at-least-once"})
  @DisplayName("all faults mixed at random in one longer run")
  void mixed(String guarantee) {
    List<Consumer<Deployment>> faults = List.of(
        x -> { x.consumer(pick(x)).kill(); afterSubmissions(RATE); x.startConsumer(lastPicked); },
        x -> { x.producer().kill(); afterSubmissions(RATE); x.startProducer(); },
        x -> { x.broker.stop(); afterSubmissions(RATE * 2); x.broker.restart(); },
        x -> { x.consumer(pick(x)).pause(); afterSubmissions(RATE * 12); x.consumer(lastPicked).resume(); },
        x -> { x.producer().pause(); afterSubmissions(RATE * 4); x.producer().resume(); },
        x -> { x.broker.pause(); afterSubmissions(RATE * 8); x.broker.resume(); });
    run("mixed", guarantee, 2, d -> {
      for (int i = 0; i < 6 * SCALE; i++) {
        afterSubmissions(20 + random.nextInt(60));
        int which = random.nextInt(faults.size());
        LOG.info("mixed fault #{}: kind {}", i + 1, which);
        faults.get(which).accept(d);
      }
    });
  }

  private String lastPicked;

  private String pick(Deployment x) {
    List<String> names = x.consumerNames();
    lastPicked = names.get(random.nextInt(names.size()));
    return lastPicked;
  }

  private void run(String name, String guarantee, int consumers, Consumer<Deployment> faults) {
    random = new Random(SEED ^ name.hashCode());
    LOG.info("chaos run '{}' ({}), scale {}, seed {}", name, guarantee, SCALE, SEED);
    try (Deployment deployment = new Deployment(name, guarantee)) {
      d = deployment;
      for (int i = 1; i <= consumers; i++) {
        d.startConsumer("b" + i);
      }
      d.startProducer();
      try (Traffic t = new Traffic(d.httpPort, RATE, RATE * 600 * SCALE)) {
        traffic = t;
        afterSubmissions(RATE * 2);
        faults.accept(d);
        afterSubmissions(RATE * 2);
      }
      Books books = drain();
      String line = name + " (" + guarantee + "): " + books.line();
      LOG.info("{} ({})", line, books.details());
      record(line + " (" + books.details() + ")");
      assertThat(books.accepted()).as("traffic was accepted").isGreaterThan(RATE);
      assertThat(books.clean()).as(books.line() + " — " + books.details()).isTrue();
    }
  }

  // Waits until A has nothing pending and the books balance, then returns the final books.
  private Books drain() {
    long start = System.nanoTime();
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      JsonObject s = d.status();
      return s != null && s.getBoolean("connected", false) && s.getLong("pending") == 0;
    });
    LOG.info("drain: A has nothing pending after {} ms; A says {}", (System.nanoTime() - start) / 1_000_000,
        d.status().copy().put("config", "…").put("latencyMs", "…").encode());
    Books[] last = new Books[1];
    try {
      await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2)).until(() -> {
        last[0] = d.books(traffic.accepted(), traffic.submitted());
        return last[0].clean();
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // Fall through: the assertion reports the figures.
    }
    return last[0];
  }

  // The clock of a chaos run: so many more submissions from the open-loop traffic.
  private void afterSubmissions(int count) {
    int target = traffic.submitted().size() + count;
    await().atMost(Duration.ofSeconds(30L + count / RATE * 2L)).pollInterval(Duration.ofMillis(50))
        .until(() -> traffic.submitted().size() >= target);
  }

  private static void record(String line) {
    try {
      Path summary = Path.of("target", "chaos-summary.txt");
      Files.createDirectories(summary.getParent());
      Files.writeString(summary, line + System.lineSeparator(), StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      LOG.warn("could not write the chaos summary: {}", e.getMessage());
    }
  }
}

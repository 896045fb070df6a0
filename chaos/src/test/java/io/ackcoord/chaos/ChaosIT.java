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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults while traffic flows, then the books: lost 0, duplicate effects 0, unexpected 0, stuck 0.
 *
 * <p>The broker, A and two Bs are separate processes ({@code bin/local-kafka}, {@code bin/vertx run}). One
 * deployment per processing guarantee goes through every phase in turn — B killed, A killed, broker restarted, B
 * frozen past its session, A frozen past the ACK timeout, broker frozen 15 s, then all of them mixed at random — and
 * after each phase traffic stops, A drains, and the books of everything so far are balanced. A third deployment
 * runs B in a share group ({@code consumer.mode = share}) through B's faults (B killed, broker restarted, B frozen
 * past its record locks, mixed); there duplicate effects are reported, not failed on, since share mode does not
 * promise none (docs/share-groups.md). Time between faults
 * is measured in submissions of the open-loop traffic, not in sleeps.
 *
 * <p>Size: {@code -Dchaos.scale=N} repeats each fault N times and mixes 6N faults (1 in CI). The random schedule's
 * seed is logged; replay with {@code -Dchaos.seed=…}.
 */
class ChaosIT {

  private static final Logger LOG = LoggerFactory.getLogger(ChaosIT.class);
  private static final int SCALE = Integer.getInteger("chaos.scale", 1);
  private static final long SEED = Long.getLong("chaos.seed", System.nanoTime());
  private static final int RATE = 40;
  /** B in a share group, at-least-once. */
  private static final String SHARE = "at-least-once, share mode";

  private Deployment d;
  private Traffic traffic;
  private Random random;
  private String lastPicked;
  private final java.util.Set<String> accepted = new java.util.HashSet<>();
  private final java.util.Set<String> submitted = new java.util.HashSet<>();
  /** Each fault of the running phase as {start, end} in nanos. */
  private final List<long[]> faultTimes = new ArrayList<>();

  /** Every run by default; {@code -Dchaos.runs=share} (or a comma-separated list of names) picks some. */
  static List<String> runs() {
    List<String> all = List.of("at-least-once", "exactly-once", SHARE);
    String picked = System.getProperty("chaos.runs", "");
    if (picked.isBlank()) {
      return all;
    }
    List<String> wanted = List.of(picked.split(","));
    return all.stream().filter(run -> wanted.stream().anyMatch(w -> run.contains(w.trim()))).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runs")
  @DisplayName("every fault, then all mixed: the books balance after each phase")
  void chaos(String run) {
    boolean share = SHARE.equals(run);
    String guarantee = share ? "at-least-once" : run;
    random = new Random(SEED ^ run.hashCode());
    LOG.info("chaos ({}, group.protocol {}), scale {}, seed {}", run, share ? "none (share group)"
        : Deployment.groupProtocolName(), SCALE, SEED);
    // One occurrence of each fault; a phase repeats one, the mix draws them at random.
    Map<String, Runnable> faults = new LinkedHashMap<>();
    faults.put("B killed (SIGKILL) and restarted", () -> {
      d.consumer(pick(d)).kill();
      afterSubmissions(RATE * 2);
      d.startConsumer(lastPicked);
    });
    faults.put("A killed (SIGKILL) and restarted with the same producer id", () -> {
      d.producer().kill();
      afterSubmissions(RATE * 2);
      d.startProducer();
    });
    faults.put("broker stopped and restarted", () -> {
      d.broker.stop();
      afterSubmissions(RATE * 3);
      d.broker.restart();
    });
    faults.put("B frozen (SIGSTOP) past its session timeout, then resumed", () -> {
      d.consumer(pick(d)).pause();
      afterSubmissions(RATE * 14);
      d.consumer(lastPicked).resume();
    });
    faults.put("A frozen (SIGSTOP) past the ACK timeout, then resumed", () -> {
      d.producer().pause();
      afterSubmissions(RATE * 5);
      d.producer().resume();
    });
    faults.put("broker frozen (SIGSTOP) for 15 s", () -> {
      d.broker.pause();
      afterSubmissions(RATE * 15);
      d.broker.resume();
    });
    if (share) {
      // B's side of share mode: the faults that touch B's records and their locks (A's are the same in both modes).
      faults.keySet().removeIf(name -> name.startsWith("A ") || name.startsWith("broker frozen"));
    }
    Map<String, Runnable> phases = new LinkedHashMap<>();
    // One of each fault, then a mix (four at scale 1, two in share mode's shorter run): CI runs all three
    // deployments within its time; -Dchaos.scale=N repeats each N times.
    faults.forEach((name, fault) -> phases.put(name, () -> repeat(SCALE, fault)));
    List<Map.Entry<String, Runnable>> kinds = List.copyOf(faults.entrySet());
    phases.put("all faults mixed at random", () -> repeat(SCALE * (share ? 2 : 4), () -> {
      Map.Entry<String, Runnable> kind = kinds.get(random.nextInt(kinds.size()));
      LOG.info("mixed: {}", kind.getKey());
      kind.getValue().run();
    }));

    try (Deployment deployment = new Deployment("chaos-" + run.replace(',', '-').replace(' ', '-'), guarantee,
        share ? "share" : null)) {
      d = deployment;
      if (share) {
        // A lock well under the freeze of "B frozen", so the frozen B finds its locks lapsed when it wakes.
        d.shareGroupConfig("share.record.lock.duration.ms", "3000");
      }
      d.startConsumer("b1");
      d.startConsumer("b2");
      d.startProducer();
      phases.forEach((name, fault) -> phase(run, name, fault, !share));
    }
  }

  /** @param noDuplicates whether duplicate effects fail the phase; share mode reports them (see docs/share-groups.md) */
  private void phase(String guarantee, String name, Runnable fault, boolean noDuplicates) {
    LOG.info("phase: {}", name);
    faultTimes.clear();
    Books books;
    String recovery;
    try (PendingWatch watch = new PendingWatch(d::status)) {
      try (Traffic t = new Traffic(d.httpPort, RATE, RATE * 600 * SCALE, "p" + accepted.size() + "-")) {
        traffic = t;
        afterSubmissions(RATE + random.nextInt(RATE));
        fault.run();
        afterSubmissions(RATE * 2);
      }
      accepted.addAll(traffic.accepted());
      submitted.addAll(traffic.submitted());
      long drainStart = System.nanoTime();
      books = drain(!noDuplicates);
      recovery = recovery(watch, System.nanoTime()) + ", drain " + (System.nanoTime() - drainStart) / 1_000_000
          + " ms";
    }
    // A share group has no group protocol to name.
    String line = guarantee + (noDuplicates ? " (group.protocol " + Deployment.groupProtocolName() + ")" : "")
        + ", " + name + ": " + books.line() + "; " + recovery;
    LOG.info("{} ({})", line, books.details());
    record(line + " (" + books.details() + ")");
    assertThat(traffic.accepted()).as("traffic was accepted in phase '%s'", name).isNotEmpty();
    assertThat(books.lost()).as("lost after phase '%s': %s — %s", name, books.line(), books.details()).isZero();
    assertThat(books.unexpected()).as("unexpected after phase '%s': %s", name, books.line()).isZero();
    assertThat(books.stuck()).as("stuck after phase '%s': %s", name, books.line()).isZero();
    if (noDuplicates) {
      assertThat(books.duplicateEffects()).as("duplicate effects after phase '%s': %s — %s", name, books.line(),
          books.details()).isZero();
    }
  }

  /**
   * The phase's figures per fault, against "normal": at most the highest pending count of the second before the
   * phase's first fault plus a quarter second of traffic. <em>Outage</em>: from the fault's start until A's pending
   * count, after it first left normal, is back (the whole disturbance: for a killed or frozen B, until its
   * partitions are served again, by itself or by the other B). <em>Recovery</em>: from the fault's end (the process
   * restarted or resumed, the broker back) until the first normal count. Both are looked for before the next fault
   * (or the end of the drain); a fault the next one follows before that counts as "not before the next".
   */
  private String recovery(PendingWatch watch, long phaseEnd) {
    if (faultTimes.isEmpty()) {
      return "recovery n/a";
    }
    long firstStart = faultTimes.get(0)[0];
    long normal = watch.highest(firstStart - 1_000_000_000L, firstStart) + RATE / 4;
    List<Long> recovery = new ArrayList<>();
    List<Long> outage = new ArrayList<>();
    int overlapped = 0;
    for (int i = 0; i < faultTimes.size(); i++) {
      long[] fault = faultTimes.get(i);
      long until = i + 1 < faultTimes.size() ? faultTimes.get(i + 1)[0] : phaseEnd;
      long back = watch.recoveryMillis(fault[1], until, normal);
      long out = watch.outageMillis(fault[0], until, normal);
      if (back < 0 || out < 0) {
        overlapped++;
      } else {
        recovery.add(back);
        outage.add(out);
      }
    }
    return "to pending <= " + normal + ": outage " + figures(outage) + ", recovery " + figures(recovery)
        + (overlapped > 0 ? ", " + overlapped + " not before the next fault" : "");
  }

  private static String figures(List<Long> ms) {
    return ms + " ms (max " + ms.stream().mapToLong(Long::longValue).max().orElse(-1) + ", sum "
        + ms.stream().mapToLong(Long::longValue).sum() + ")";
  }

  private void repeat(int times, Runnable fault) {
    for (int i = 0; i < times; i++) {
      afterSubmissions(20 + random.nextInt(RATE));
      long start = System.nanoTime();
      fault.run();
      faultTimes.add(new long[] {start, System.nanoTime()});
    }
  }

  private String pick(Deployment x) {
    List<String> names = x.consumerNames();
    lastPicked = names.get(random.nextInt(names.size()));
    return lastPicked;
  }

  // Waits until A has nothing pending and the books balance, then returns the final books.
  private Books drain(boolean duplicatesAllowed) {
    long start = System.nanoTime();
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
      JsonObject s = d.status();
      return s != null && s.getBoolean("connected", false) && s.getLong("pending") == 0;
    });
    LOG.info("drain: A has nothing pending after {} ms", (System.nanoTime() - start) / 1_000_000);
    Books books = d.balancedBooks(accepted, submitted, duplicatesAllowed);
    LOG.info("drain: books checked after {} ms", (System.nanoTime() - start) / 1_000_000);
    return books;
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

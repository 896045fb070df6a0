package io.ackcoord.consumer.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ackcoord.consumer.kafka.Backoff;
import io.ackcoord.consumer.status.ConsumerStats;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** At-least-once B7 Commit's coalescing, with a commit function the test completes by hand. */
@ExtendWith(VertxExtension.class)
class OffsetCommitterTest {

  private static final TopicPartition P0 = new TopicPartition("messages", 0);

  private final OffsetTracker tracker = new OffsetTracker();
  private final ConsumerStats stats = new ConsumerStats();
  private final List<Map<TopicPartition, OffsetAndMetadata>> commits = new CopyOnWriteArrayList<>();
  private final List<Promise<Void>> pending = new CopyOnWriteArrayList<>();
  private Context context;
  private OffsetCommitter committer;

  @BeforeEach
  void setUp(Vertx vertx) {
    context = vertx.getOrCreateContext();
    committer = new OffsetCommitter(vertx, tracker, (batch, epochs) -> {
      commits.add(batch);
      Promise<Void> p = Promise.promise();
      pending.add(p);
      return p.future();
    }, stats, new Backoff(1, 5));
  }

  @Test
  @DisplayName("completions during a commit are coalesced into one follow-up commit")
  void coalesces() {
    run(() -> {
      tracker.track(P0, 0);
      tracker.complete(P0, 0);
      committer.request();
      for (long o = 1; o <= 3; o++) {
        tracker.track(P0, o);
        tracker.complete(P0, o);
        committer.request();
      }
    });
    assertThat(commits).as("one commit in flight at a time").hasSize(1);

    run(() -> pending.get(0).complete());

    assertThat(commits).hasSize(2);
    assertThat(commits.get(0)).containsEntry(P0, new OffsetAndMetadata(1));
    assertThat(commits.get(1)).containsEntry(P0, new OffsetAndMetadata(4));
    run(() -> pending.get(1).complete());
    assertThat(stats.committed()).isEqualTo(2);
  }

  @Test
  @DisplayName("nothing completed, nothing committed")
  void nothingToCommit() {
    run(() -> {
      tracker.track(P0, 0);
      committer.request();
    });

    assertThat(commits).isEmpty();
  }

  @Test
  @DisplayName("a failed commit is retried with the same position")
  void failedCommitRetried() {
    run(() -> {
      tracker.track(P0, 0);
      tracker.complete(P0, 0);
      committer.request();
    });
    run(() -> pending.get(0).fail(new IllegalStateException("coordinator moved")));

    await().until(() -> commits.size() == 2);
    assertThat(commits.get(1)).containsEntry(P0, new OffsetAndMetadata(1));
  }

  @Test
  @DisplayName("flush waits for the commit in flight, then commits the rest, then commits no more")
  void flush() throws Exception {
    run(() -> {
      tracker.track(P0, 0);
      tracker.track(P0, 1);
      tracker.complete(P0, 0);
      committer.request();
      tracker.complete(P0, 1);
    });
    CompletableFuture<Void> flushed = new CompletableFuture<>();
    run(() -> committer.flush().onComplete(ar -> flushed.complete(null)));
    assertThat(commits).hasSize(1);

    run(() -> pending.get(0).complete());
    await().until(() -> commits.size() == 2);
    assertThat(commits.get(1)).containsEntry(P0, new OffsetAndMetadata(2));
    run(() -> pending.get(1).complete());
    flushed.get(5, TimeUnit.SECONDS);

    run(() -> {
      tracker.track(P0, 2);
      tracker.complete(P0, 2);
      committer.request();
    });
    assertThat(commits).hasSize(2);
  }

  @Test
  @DisplayName("flush also waits for the commit of completions requested while a commit was in flight")
  void flushWaitsForFollowUp() {
    run(() -> {
      tracker.track(P0, 0);
      tracker.track(P0, 1);
      tracker.complete(P0, 0);
      committer.request();
      tracker.complete(P0, 1);
      committer.request(); // coalesced: due after the one in flight
    });
    CompletableFuture<Void> flushed = new CompletableFuture<>();
    run(() -> committer.flush().onComplete(ar -> flushed.complete(null)));

    run(() -> pending.get(0).complete());
    await().until(() -> commits.size() == 2);
    assertThat(flushed).as("the follow-up commit is still in flight").isNotDone();
    run(() -> pending.get(1).complete());

    assertThat(flushed).succeedsWithin(Duration.ofSeconds(5));
    assertThat(commits).hasSize(2);
    assertThat(commits.get(1)).containsEntry(P0, new OffsetAndMetadata(2));
  }

  @Test
  @DisplayName("renew commits the current positions even if they did not move, and reports the outcome")
  void renew() {
    run(() -> {
      tracker.track(P0, 5);
      tracker.track(P0, 6);
      tracker.complete(P0, 5);
    });
    CompletableFuture<Void> renewed = new CompletableFuture<>();
    run(() -> committer.renew().onComplete(ar -> {
      if (ar.succeeded()) {
        renewed.complete(null);
      } else {
        renewed.completeExceptionally(ar.cause());
      }
    }));
    assertThat(commits).hasSize(1);
    assertThat(commits.get(0)).containsEntry(P0, new OffsetAndMetadata(6));

    run(() -> pending.get(0).fail(new IllegalStateException("fenced")));

    assertThat(renewed).failsWithin(Duration.ofSeconds(5));
    assertThat(stats.leaseRenewals()).isZero();
  }

  private void run(Runnable action) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        action.run();
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    try {
      done.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}

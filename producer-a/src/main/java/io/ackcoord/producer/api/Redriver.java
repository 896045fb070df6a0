package io.ackcoord.producer.api;

import io.ackcoord.producer.coordinator.Coordinator;
import io.ackcoord.producer.coordinator.Coordinator.RejectedException;
import io.ackcoord.producer.coordinator.DeadLetter;
import io.ackcoord.producer.coordinator.DeadLetterFilter;
import io.ackcoord.producer.coordinator.DeadLetterSource;
import io.ackcoord.producer.ids.MessageIds;
import io.ackcoord.producer.timer.Scheduler;
import io.ackcoord.protocol.SafeText;
import io.ackcoord.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Redrive: dead letters read back from the dead-letter topic ({@link DeadLetterSource}) and submitted again through
 * {@link Coordinator#submit}, with the same id, payload, content type and first-attempt timeout, as a new series of
 * attempts. The id is what B deduplicates on, so an id B processed already (the dead letter came after B's ACK was
 * lost, say) is ACKed again without a second effect.
 *
 * <p>What it refuses, and says so per id: an id pending right now (it is not submitted twice), a dead letter without
 * its payload (A wrote it without: too large for the dead-letter topic, or its topic-1 record was gone), and a
 * record that is not a valid message (its key not a valid id, its payload over {@code message.max.bytes}: anyone who
 * can write to the topic can write one). A bulk redrive takes at most {@link #MAX_LIMIT} dead letters per call (the
 * reader's cursor resumes it), submits at most {@value #IN_FLIGHT} at once, and none while A's pending count is at
 * half of {@code pending.max} or more: it waits for room up to {@value #WAIT_BUDGET_MS} ms, then reports the rest
 * as deferred. One bulk redrive runs at a time. Runs on A's event loop; never blocks it.
 */
public final class Redriver {

  /** Dead letters one bulk redrive takes when the caller names no limit. */
  public static final int DEFAULT_LIMIT = 100;
  /** Dead letters one bulk redrive takes at most. */
  public static final int MAX_LIMIT = 1_000;
  /** Submissions of one bulk redrive awaiting the broker at once. */
  static final int IN_FLIGHT = 16;
  /** How long a bulk redrive waits for room below half of {@code pending.max} before it defers the rest. */
  static final long WAIT_BUDGET_MS = 30_000;
  private static final long WAIT_STEP_MS = 100;

  /** What became of one id. */
  public enum Result {
    /** Submitted again: a new series of attempts under the same id. */
    REDRIVEN("redriven"),
    /** The id is pending now: nothing submitted. */
    PENDING("pending"),
    /** The dead-letter topic holds no letter of this id. */
    NOT_FOUND("not-found"),
    /** The dead letter has no payload: nothing to submit. */
    NO_PAYLOAD("no-payload"),
    /** The record is not a message A would accept (its id, its size). */
    INVALID("invalid"),
    /** A did not take it now (full, not connected, a write failed): try again later. */
    REFUSED("refused"),
    /** Not tried: A stayed busy for the bulk redrive's whole wait. */
    DEFERRED("deferred");

    private final String word;

    Result(String word) {
      this.word = word;
    }

    /** How the API names it. */
    public String word() {
      return word;
    }
  }

  /** What became of one id, with why (for all but REDRIVEN) and the dead letter it came from, if any. */
  public record Outcome(String id, Result result, String detail, DeadLetter letter) {

    /** The id, result and detail as the API reports them, with the dead letter's time, reason and place. */
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("id", SafeText.clean(id, MessageIds.MAX_LENGTH + 10))
          .put("result", result.word());
      if (detail != null) {
        json.put("detail", detail);
      }
      if (letter != null) {
        json.put("deadLetteredAt", letter.timestamp()).put("reason", letter.reason())
            .put("producer", letter.producerId()).put("deadLetter", letter.where());
      }
      return json;
    }
  }

  /** A bulk redrive's answer: every dead letter it took, and where the next call resumes. */
  public record Bulk(List<Outcome> outcomes, long scanned, String cursor) {
  }

  /** A bulk redrive is already running. */
  public static final class BusyException extends RuntimeException {
    BusyException() {
      super("a bulk redrive is running already; try again when it is done", null, false, false);
    }
  }

  private final Coordinator coordinator;
  private final DeadLetterSource source;
  private final Scheduler scheduler;
  private final Clock clock;
  private final int maxBytes;
  private final Supplier<TimeoutRule> timeouts;
  private boolean bulkRunning;

  /**
   * @param maxBytes {@code message.max.bytes}: a payload larger than a submission may be is refused
   * @param timeouts the bounds on a caller's timeout now; a dead letter's timeout outside them gets A's default
   */
  public Redriver(Coordinator coordinator, DeadLetterSource source, Scheduler scheduler, Clock clock, int maxBytes,
      Supplier<TimeoutRule> timeouts) {
    this.coordinator = coordinator;
    this.source = source;
    this.scheduler = scheduler;
    this.clock = clock;
    this.maxBytes = maxBytes;
    this.timeouts = timeouts;
  }

  /**
   * Redrives the latest dead letter of {@code id}. Fails only when the dead-letter topic could not be read (then
   * nothing was submitted).
   *
   * @param who who asked, for the message's history
   */
  public Future<Outcome> one(String id, String who) {
    if (coordinator.tracker().isPending(id)) {
      return Future.succeededFuture(pending(id, null));
    }
    return source.latest(id).compose(letter -> letter == null
        ? Future.succeededFuture(new Outcome(id, Result.NOT_FOUND, "no dead letter of this id in the dead-letter "
            + "topic", null))
        : submit(letter, who));
  }

  /**
   * Redrives the dead letters {@code filter} takes, at most {@code limit}, from {@code cursor} (a previous answer's;
   * {@code null} to start). Fails with {@link BusyException} while another runs, and when the dead-letter topic
   * could not be read (then nothing was submitted).
   */
  public Future<Bulk> bulk(DeadLetterFilter filter, String cursor, int limit, String who) {
    if (bulkRunning) {
      return Future.failedFuture(new BusyException());
    }
    bulkRunning = true;
    return source.scan(filter, cursor, limit)
        .compose(scan -> new Pump(scan.letters(), who).start()
            .map(outcomes -> new Bulk(outcomes, scan.scanned(), scan.cursor())))
        .onComplete(ar -> bulkRunning = false);
  }

  /** Why {@code letter} cannot be submitted as it is, or {@code null}. */
  String problem(DeadLetter letter) {
    if (!MessageIds.isValid(letter.id())) {
      return "the record's key is not a valid message id (" + MessageIds.RULE + ")";
    }
    if (letter.payload().length > maxBytes) {
      return "payload of " + letter.payload().length + " bytes is over message.max.bytes (" + maxBytes + ")";
    }
    return null;
  }

  private Future<Outcome> submit(DeadLetter letter, String who) {
    String missing = letter.payloadMissing();
    if (missing != null) {
      return Future.succeededFuture(new Outcome(letter.id(), Result.NO_PAYLOAD, missing, letter));
    }
    String problem = problem(letter);
    if (problem != null) {
      return Future.succeededFuture(new Outcome(letter.id(), Result.INVALID, problem, letter));
    }
    if (coordinator.tracker().isPending(letter.id())) {
      return Future.succeededFuture(pending(letter.id(), letter));
    }
    long timeout;
    try {
      timeout = letter.timeoutMillis() == 0 ? 0 : timeouts.get().parse(letter.timeoutMillis());
    } catch (IllegalArgumentException e) {
      timeout = 0; // outside today's bounds: A's ack.timeout.ms
    }
    // The redrive's spans join the message's trace: the dead letter's trace is the new submission's parent.
    String traceparent = letter.trace() == null ? null : letter.trace().toString();
    return coordinator.submit(letter.id(), letter.payload(), letter.contentType(), timeout, traceparent)
        .map(m -> {
          coordinator.tracker().note(letter.id(), "redriven by " + who + " from dead letter " + letter.where()
              + " (" + SafeText.clean(letter.reason(), 200) + ")");
          return new Outcome(letter.id(), Result.REDRIVEN, null, letter);
        })
        .otherwise(err -> err instanceof RejectedException r && r.conflict() ? pending(letter.id(), letter)
            : new Outcome(letter.id(), Result.REFUSED, err.getMessage(), letter));
  }

  private static Outcome pending(String id, DeadLetter letter) {
    return new Outcome(id, Result.PENDING, "the message is pending: not submitted again", letter);
  }

  // Half of pending.max: a redrive must leave room for the callers A is there for.
  private boolean busy() {
    return coordinator.tracker().pendingCount() >= Math.max(1, coordinator.maxPending() / 2);
  }

  /** Submits a bulk redrive's dead letters, {@value #IN_FLIGHT} at most at once, while A has room. */
  private final class Pump {
    private final List<DeadLetter> letters;
    private final String who;
    private final Outcome[] outcomes;
    private final Promise<List<Outcome>> done = Promise.promise();
    private final long giveUpAt;
    private int next;
    private int inFlight;
    private boolean waiting;

    Pump(List<DeadLetter> letters, String who) {
      this.letters = letters;
      this.who = who;
      this.outcomes = new Outcome[letters.size()];
      this.giveUpAt = clock.monotonicMillis() + WAIT_BUDGET_MS;
    }

    Future<List<Outcome>> start() {
      pump();
      return done.future();
    }

    private void pump() {
      while (next < letters.size() && inFlight < IN_FLIGHT && !waiting) {
        if (busy()) {
          if (clock.monotonicMillis() < giveUpAt) {
            waiting = true;
            scheduler.schedule(WAIT_STEP_MS, () -> {
              waiting = false;
              pump();
            });
            return;
          }
          String why = "not tried: A stayed busy (" + coordinator.tracker().pendingCount() + " pending, pending.max "
              + coordinator.maxPending() + ") for " + WAIT_BUDGET_MS + " ms; redrive it again later";
          for (; next < letters.size(); next++) {
            outcomes[next] = new Outcome(letters.get(next).id(), Result.DEFERRED, why, letters.get(next));
          }
          break;
        }
        int i = next++;
        inFlight++;
        submit(letters.get(i), who).onComplete(ar -> {
          outcomes[i] = ar.succeeded() ? ar.result()
              : new Outcome(letters.get(i).id(), Result.REFUSED, ar.cause().getMessage(), letters.get(i));
          inFlight--;
          pump();
        });
      }
      if (next >= letters.size() && inFlight == 0) {
        done.tryComplete(Arrays.asList(outcomes));
      }
    }
  }
}

package io.ackcoord.producer.coordinator;

import io.ackcoord.logging.MessageFields;
import io.ackcoord.producer.ledger.CheckpointSource;
import io.ackcoord.producer.ledger.LedgerEntry;
import io.ackcoord.producer.ledger.Position;
import io.ackcoord.producer.ledger.WriteBarrier;
import io.ackcoord.producer.timer.DeadlineTimer;
import io.ackcoord.producer.timer.Scheduler;
import io.ackcoord.producer.tracing.MessageTracing;
import io.ackcoord.producer.tracker.MessageState;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.producer.tracker.MessageTracker.Due;
import io.ackcoord.producer.tracker.MessageTracker.ReplyResult;
import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.Reply;
import io.ackcoord.protocol.SafeText;
import io.ackcoord.time.Clock;
import io.ackcoord.time.Throttle;
import io.ackcoord.tracing.TraceRoot;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Carries out what {@link MessageTracker} decides: sends and re-sends through {@link Outbound}, keeps the one
 * {@link DeadlineTimer} armed for the earliest deadline, writes dead letters, and tells waiting callers how their
 * message ended. It owns no Kafka or HTTP code, so it is tested with a fake outbound and a hand-driven scheduler.
 *
 * <p>Runs on one event loop, like the tracker. Just over 300 lines as one class: it is the one place where the
 * tracker's decisions meet I/O, and every step (A1 to A7) shares its flow control of writes in flight and its timer.
 */
public final class Coordinator {

  /** Where records go, topic 1 and the dead-letter topic, and where a message's payload is read back from. */
  public interface Outbound {

    /**
     * Writes one attempt to topic 1; completes, with where the record lies ({@code null} if the broker did not say),
     * once the broker has it durably.
     */
    Future<Position> send(Envelope envelope);

    /** {@link #send(Envelope)} with {@code trace} as the record's {@code traceparent} ({@code null}: none). */
    default Future<Position> send(Envelope envelope, TraceRoot trace) {
      return send(envelope);
    }

    /**
     * Reads the payload of message {@code id} back from its record in topic 1 at {@code at}, for a re-send or a dead
     * letter. Fails with {@link PayloadGoneException} when that record can no longer be read (deleted by retention,
     * say) or is not the message's; any other failure is worth a retry.
     */
    Future<byte[]> payload(String id, Position at);

    /**
     * Writes a message A gave up on to the dead-letter topic, with the reason; fails with {@link TooLargeException}
     * when that topic will never take a record this large.
     */
    Future<Void> deadLetter(Envelope envelope, String reason);

    /** {@link #deadLetter(Envelope, String)}, naming {@code trace} as its {@code traceparent} ({@code null}: none). */
    default Future<Void> deadLetter(Envelope envelope, String reason, TraceRoot trace) {
      return deadLetter(envelope, reason);
    }
  }

  /** The topic refuses the record for its size (its {@code max.message.bytes}); sending it again cannot help. */
  public static final class TooLargeException extends RuntimeException {
    public TooLargeException(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** A message's record in topic 1 is gone for good: its payload cannot be read back. */
  public static final class PayloadGoneException extends RuntimeException {
    public PayloadGoneException(String message) {
      super(message);
    }
  }

  /** Thrown to a submitter when A will not take the message; HTTP maps it to 503 or 409. */
  public static final class RejectedException extends RuntimeException {
    private final boolean conflict;

    RejectedException(String message, boolean conflict, Throwable cause) {
      super(message, cause);
      this.conflict = conflict;
    }

    /** Whether the id is already pending (409), rather than A being unable to take more (503). */
    public boolean conflict() {
      return conflict;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);
  /** Ledger entries restored per event-loop turn at start-up (about 10 ms of work). */
  static final int RESTORE_SLICE = 10_000;

  private final MessageTracker tracker;
  private final Outbound outbound;
  private final WriteBarrier barrier;
  private final Scheduler scheduler;
  private final Clock clock;
  private final DeadlineTimer timer;
  private final String producerId;
  private final int replyPartition;
  private final int burst;
  private final int maxPending;
  private final MessageTracing tracing;
  // Re-sends and dead-letter writes handed to Kafka and not yet answered: at most `burst`, so a backlog of overdue
  // timers is fed to the producer at the pace the broker takes it instead of piling up in its buffer.
  private int writesInFlight;
  private final Map<String, List<Promise<TrackedMessage>>> waiters = new HashMap<>();
  private Consumer<ReplyResult> replyObserver = r -> { };
  private Supplier<String> admission = () -> null;
  private final Throttle forgedLog;
  private boolean ready;
  private boolean stopped;

  /**
   * @param barrier    counts every write to topic 1 and the dead-letter topic, for A's checkpoints
   * @param burst      most expired deadlines handled per timer tick, and most re-sends and dead-letter writes
   *                   awaiting the broker at once
   * @param maxPending pending count at which submissions are refused
   */
  public Coordinator(MessageTracker tracker, Outbound outbound, WriteBarrier barrier, Scheduler scheduler,
      Clock clock, String producerId, int replyPartition, int burst, int maxPending) {
    this(tracker, outbound, barrier, scheduler, clock, producerId, replyPartition, burst, maxPending,
        MessageTracing.NONE);
  }

  /** A coordinator whose messages {@code tracing} traces (it listens to {@code tracker}); NONE: not at all. */
  public Coordinator(MessageTracker tracker, Outbound outbound, WriteBarrier barrier, Scheduler scheduler,
      Clock clock, String producerId, int replyPartition, int burst, int maxPending, MessageTracing tracing) {
    this.tracker = tracker;
    this.outbound = outbound;
    this.barrier = barrier;
    this.scheduler = scheduler;
    this.clock = clock;
    this.producerId = producerId;
    this.replyPartition = replyPartition;
    this.burst = burst;
    this.maxPending = maxPending;
    this.timer = new DeadlineTimer(scheduler, clock, this::onDue);
    this.forgedLog = new Throttle(clock, 60_000);
    this.tracing = tracing;
    if (tracing != MessageTracing.NONE) {
      tracker.addListener(tracing);
    }
  }

  /**
   * Accepts a message: sends attempt 1, and completes once the broker has the record durably, which is when the
   * caller may be told "accepted" (the record is the message's durable copy; A's checkpoints and a restart's scan of
   * topic 1 find it, decision 014). Fails with {@link RejectedException} if A is not ready or full, the id is
   * pending, or the write failed; then nothing was accepted.
   */
  public Future<TrackedMessage> submit(String id, byte[] payload, String contentType, long timeoutMillis) {
    return submit(id, payload, contentType, timeoutMillis, null);
  }

  /**
   * {@link #submit(String, byte[], String, long)} for a caller whose W3C {@code traceparent} ({@code null}: none)
   * is the parent of the message's spans, with tracing on.
   */
  public Future<TrackedMessage> submit(String id, byte[] payload, String contentType, long timeoutMillis,
      String traceparent) {
    if (stopped) {
      return Future.failedFuture(new RejectedException("producer is stopping", false, null));
    }
    if (!ready) {
      return Future.failedFuture(new RejectedException("not connected to Kafka yet", false, null));
    }
    if (tracker.pendingCount() >= maxPending) {
      return Future.failedFuture(new RejectedException(
          "too many pending messages (" + tracker.pendingCount() + " >= pending.max " + maxPending + ")", false,
          null));
    }
    String refusal = admission.get();
    if (refusal != null) {
      return Future.failedFuture(new RejectedException(refusal, false, null));
    }
    if (tracker.isPending(id)) {
      return Future.failedFuture(new RejectedException("message " + id + " is already pending", true, null));
    }
    MessageTracing.Submission traced = tracing.submission(id, traceparent);
    TrackedMessage m = tracker.accept(id, payload, contentType, timeoutMillis, traced.root());
    int attempt = m.attempt();
    return barrier.track(outbound.send(m.envelope(producerId, replyPartition), m.trace()))
        .map(at -> {
          tracker.sendConfirmed(m, attempt, at);
          timer.arm(tracker.nextDeadline());
          traced.accepted();
          return m;
        })
        .recover(err -> {
          if (m.state().isPending()) {
            tracker.reject(m);
          }
          if (m.state() == MessageState.ACKED) {
            // The record did land and B already answered; the producer's error was about the acknowledgement.
            traced.accepted();
            return Future.succeededFuture(m);
          }
          traced.rejected(err);
          return Future.failedFuture(new RejectedException("could not write to Kafka: " + err.getMessage(), false,
              err));
        });
  }

  /**
   * Completes when the message is final: ACKed, or dead-lettered or cancelled (the dead-letter record durable).
   * Completes at once
   * for a message already final; fails for an id A does not know.
   */
  public Future<TrackedMessage> completion(String id) {
    TrackedMessage m = tracker.find(id).orElse(null);
    if (m == null) {
      return Future.failedFuture(new IllegalArgumentException("unknown message " + id));
    }
    if (m.state() == MessageState.ACKED || (m.state() == MessageState.DEAD_LETTERED && m.deadLetterDurable())
        || (m.state() == MessageState.CANCELLED && m.deadLetterDurable())) {
      return Future.succeededFuture(m);
    }
    Promise<TrackedMessage> promise = Promise.promise();
    waiters.computeIfAbsent(id, k -> new ArrayList<>(1)).add(promise);
    return promise.future();
  }

  /**
   * Takes back what a previous run left pending (and writes the dead letters it had not finished), then arms the
   * timer; submissions are refused as "not connected" until {@link #open}. Entries are restored
   * {@link #RESTORE_SLICE} per scheduler turn.
   */
  public Future<Void> start(List<LedgerEntry> recovered) {
    Promise<Void> started = Promise.promise();
    restore(recovered, 0, 0, started);
    return started.future();
  }

  // A slice per event-loop turn: a restart with a million pending messages must not hold the loop for seconds.
  private void restore(List<LedgerEntry> recovered, int from, int restoredSoFar, Promise<Void> started) {
    if (stopped) {
      started.fail(new IllegalStateException("stopped while restoring the ledger"));
      return;
    }
    int end = Math.min(recovered.size(), from + RESTORE_SLICE);
    int restored = restoredSoFar;
    for (int i = from; i < end; i++) {
      // Tracing off: restored traces are dropped, so this A's checkpoints are what a build without tracing reads.
      LedgerEntry e = recovered.get(i);
      TrackedMessage m = tracker.restore(tracing == MessageTracing.NONE ? e.withoutTrace() : e);
      if (m != null) {
        restored++;
        if (m.state() == MessageState.DEAD_LETTERED) {
          writeDeadLetter(m);
        }
      }
    }
    if (end < recovered.size()) {
      int done = restored;
      scheduler.schedule(0, () -> restore(recovered, end, done, started));
      return;
    }
    if (restored > 0) {
      LOG.info("Resumed {} pending message(s) from the ledger; overdue ones are re-sent now", restored);
    }
    timer.arm(tracker.nextDeadline());
    started.complete();
  }

  /** Starts taking submissions: after {@link #start}, once A's receipt key is durable in its first checkpoint. */
  public void open() {
    ready = true;
  }

  /**
   * What A's checkpoints are made of: the pending messages, the dead letters not yet written, and the reply position
   * {@code replyPosition} reports.
   */
  public CheckpointSource checkpointSource(LongSupplier replyPosition) {
    return new PendingCheckpoint(tracker, producerId, replyPosition);
  }

  /**
   * An operator cancels pending message {@code id}: the tracker makes it final as CANCELLED with {@code reason}, and
   * its dead letter is written (payload read back from topic 1, retried until durable) so that the cancel survives a
   * restart of A and the message can be redriven; {@link #completion} completes once that record is durable.
   * Decided at once; nothing changes unless the outcome is {@code CANCELLED}.
   */
  public MessageTracker.CancelResult cancel(String id, String reason) {
    if (stopped || !ready) {
      throw new RejectedException(stopped ? "producer is stopping" : "not connected to Kafka yet", false, null);
    }
    MessageTracker.CancelResult result = tracker.cancel(id, reason);
    if (result.outcome() == MessageTracker.CancelOutcome.CANCELLED) {
      writeDeadLetter(result.message(), -1);
      timer.arm(tracker.nextDeadline());
    }
    return result;
  }

  /** The timers this coordinator runs on, for work paced alongside it (a bulk redrive). */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** The pending count at which submissions are refused ({@code pending.max}). */
  public int maxPending() {
    return maxPending;
  }

  /** Whether {@link #open} ran and {@link #stop} did not. */
  public boolean ready() {
    return ready && !stopped;
  }

  /** Takes a reply addressed to this producer. */
  public ReplyResult onReply(Reply reply) {
    ReplyResult result = tracker.onReply(reply);
    switch (result.outcome()) {
      case ACKED -> notifyWaiters(result.message());
      case DEAD_LETTER -> writeDeadLetter(result.message());
      case FORGED -> {
        // Logged at most once a minute: whoever writes forgeries must not also flood A's log.
        if (forgedLog.allow()) {
          LOG.warn("Ignored a reply to {} without proof of an attempt this A sent ({} so far): someone other "
              + "than B writes to the reply topic; check its ACLs", SafeText.forLog(result.message().id()),
              tracker.stats().forgedReplies());
        }
      }
      default -> { }
    }
    timer.arm(tracker.nextDeadline());
    replyObserver.accept(result);
    return result;
  }

  /**
   * An extra check before each submission (A's heap, say): it returns why A cannot take one more message now, or
   * {@code null}. A refusal is a 503, like a full {@code pending.max}.
   */
  public void admission(Supplier<String> check) {
    this.admission = check;
  }

  /** Lets the verticle observe replies (for latency recording). */
  public void onReplyResult(Consumer<ReplyResult> observer) {
    this.replyObserver = observer;
  }

  /** Stops taking submissions and cancels the timer; pending messages stay pending. */
  public void stop() {
    stopped = true;
    timer.cancel();
  }

  /** Re-sends and dead-letter writes awaiting the broker now. */
  int writesInFlight() {
    return writesInFlight;
  }

  public MessageTracker tracker() {
    return tracker;
  }

  // A5 Timeout: a deadline passed.
  private void onDue() {
    if (stopped) {
      return;
    }
    int limit = burst - writesInFlight;
    if (limit <= 0) {
      // The broker has not answered the last slice yet; each answer re-arms the timer.
      return;
    }
    List<Due> due = tracker.pollDue(limit);
    for (Due d : due) {
      switch (d.action()) {
        case SEND -> resend(d.message());
        case DEAD_LETTER -> writeDeadLetter(d.message());
      }
    }
    if (due.size() == limit && tracker.nextDeadline() <= clock.monotonicMillis()) {
      // More are overdue: take the next batch on the next tick, so sends and replies interleave.
      timer.arm(clock.monotonicMillis() + 1);
    } else {
      timer.arm(tracker.nextDeadline());
    }
  }

  private void resend(TrackedMessage m) {
    int attempt = m.attempt();
    // Ids resumed from the ledger topic were never checked like submitted ones (MessageIds): logged cleaned.
    LOG.debug("Re-sending {} as attempt {}", SafeText.forLog(m.id()), attempt);
    writesInFlight++;
    payloadOf(m)
        .compose(bytes -> {
          if (m.state() != MessageState.SENDING || m.attempt() != attempt) {
            // An ACK (or a NACK) came while the payload was read: this attempt is no longer wanted.
            return Future.<Position>succeededFuture(null);
          }
          return barrier.track(outbound.send(m.envelope(producerId, replyPartition, bytes), m.trace()));
        })
        .onComplete(ar -> {
          writesInFlight--;
          if (ar.succeeded()) {
            if (ar.result() != null) {
              tracker.sendConfirmed(m, attempt, ar.result());
            }
          } else if (ar.cause() instanceof PayloadGoneException) {
            if (tracker.giveUp(m, attempt, "cannot re-send: " + ar.cause().getMessage())) {
              writeDeadLetter(m);
            }
          } else {
            about(LOG.atWarn(), m).log("Re-send of {} (attempt {}) failed, will retry: {}", SafeText.forLog(m.id()),
                attempt, ar.cause().getMessage());
            tracker.sendFailed(m, attempt, ar.cause().getMessage());
          }
          timer.arm(tracker.nextDeadline());
        });
  }

  // The bytes held until a send was confirmed, else read back from the message's record in topic 1.
  private Future<byte[]> payloadOf(TrackedMessage m) {
    byte[] held = m.payload();
    if (held != null) {
      return Future.succeededFuture(held);
    }
    Position at = m.position();
    if (at == null) {
      return Future.failedFuture(new PayloadGoneException("no payload and no record in topic 1 for it"));
    }
    return outbound.payload(m.id(), at);
  }

  /** The dead-letter topic refused a letter of this payload size as too large: the next try goes without it. */
  private static final class DropPayload extends RuntimeException {
    final int bytes;

    DropPayload(int bytes, Throwable cause) {
      super(cause.getMessage(), cause, false, false);
      this.bytes = bytes;
    }
  }

  /** A dead letter's record: the envelope, with or without the payload, and the reason it carries. */
  private record Letter(Envelope envelope, String reason) {
  }

  // A dead letter must not be lost either: retry the write until the broker has it, then tell the caller.
  private void writeDeadLetter(TrackedMessage m) {
    about(LOG.atWarn(), m).log("Dead-lettering {} after {} attempt(s): {}", SafeText.forLog(m.id()), m.attempt(),
        SafeText.forLog(m.reason()));
    writeDeadLetter(m, -1);
  }

  /**
   * @param droppedBytes -1 to write the payload; else the payload's size, which the dead-letter topic refused, so
   *                     the letter goes without it
   */
  private void writeDeadLetter(TrackedMessage m, int droppedBytes) {
    writesInFlight++;
    letter(m, droppedBytes)
        .compose(letter -> barrier.track(outbound.deadLetter(letter.envelope(), letter.reason(), m.trace()))
            .recover(err -> Future.failedFuture(err instanceof TooLargeException
                && letter.envelope().payload().length > 0 ? new DropPayload(letter.envelope().payload().length, err)
                : err)))
        .onComplete(ar -> {
          writesInFlight--;
          timer.arm(tracker.nextDeadline());
          if (ar.succeeded()) {
            tracker.deadLetterWritten(m);
            notifyWaiters(m);
          } else if (!stopped) {
            retryDeadLetter(m, droppedBytes, ar.cause());
          }
        });
  }

  private Future<Letter> letter(TrackedMessage m, int droppedBytes) {
    Envelope bare = m.envelope(producerId, replyPartition, new byte[0]);
    if (droppedBytes >= 0) {
      return Future.succeededFuture(new Letter(bare, m.reason() + " (payload of " + droppedBytes
          + " bytes dropped: too large for the dead-letter topic)"));
    }
    return payloadOf(m)
        .map(bytes -> new Letter(m.envelope(producerId, replyPartition, bytes), m.reason()))
        .recover(err -> err instanceof PayloadGoneException
            ? Future.succeededFuture(new Letter(bare, m.reason() + " (payload not included: " + err.getMessage()
                + ")"))
            : Future.failedFuture(err));
  }

  private void retryDeadLetter(TrackedMessage m, int droppedBytes, Throwable cause) {
    // The topic will never take a record this large (its max.message.bytes is below topic 1's): retrying it as it is
    // would retry forever, so the dead letter goes without its payload, its size said in the reason.
    int next = cause instanceof DropPayload drop ? drop.bytes : droppedBytes;
    long delay = next == droppedBytes ? Math.max(1000, tracker.policy().retryDelayFor(1, 0.5)) : 1;
    about(LOG.atWarn(), m).log("Dead-letter write of {} failed, retrying in {} ms{}: {}", SafeText.forLog(m.id()),
        delay, next == droppedBytes ? "" : " without its payload", cause.getMessage());
    scheduler.schedule(delay, () -> writeDeadLetter(m, next));
  }

  // A line about one message carries its fields, and its trace id with tracing on, for the JSON log format.
  private LoggingEventBuilder about(LoggingEventBuilder event, TrackedMessage m) {
    return MessageFields.trace(MessageFields.of(event, SafeText.forLog(m.id()), m.attempt(), producerId, null),
        m.trace());
  }

  private void notifyWaiters(TrackedMessage m) {
    // Most callers (HTTP) wait for nobody: no id made for the lookup then.
    List<Promise<TrackedMessage>> list = waiters.isEmpty() ? null : waiters.remove(m.id());
    if (list != null) {
      list.forEach(p -> p.tryComplete(m));
    }
  }
}

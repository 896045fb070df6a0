package io.ackcoord.producer.tracker;

import io.ackcoord.producer.ids.Receipts;
import io.ackcoord.producer.ledger.LedgerEntry;
import io.ackcoord.producer.ledger.Position;
import io.ackcoord.producer.timer.RetryPolicy;
import io.ackcoord.producer.timer.TimerLateness;
import io.ackcoord.protocol.Reply;
import io.ackcoord.time.Clock;
import io.ackcoord.tracing.TraceRoot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * A's bookkeeping, as pure code: which messages are pending, in which state, until when, and what to do when a
 * deadline passes or a reply arrives. It performs no I/O and reads time only from the injected {@link Clock}, so
 * every path is unit-tested without a broker or a sleep; the {@code Coordinator} carries out what it decides.
 *
 * <p>Protocol steps (labelled as in docs/ARCHITECTURE.md):
 * <ul>
 *   <li>A1 Accept, {@link #accept}: a new message, attempt 1, state {@code SENDING};</li>
 *   <li>A2 Send, {@link #sendConfirmed}: the broker has the record; A3 Wait, the reply timer, starts
 *       ({@code AWAITING_REPLY});</li>
 *   <li>A4 Reply, {@link #onReply}: ACK ends it (A6 Final); a retryable NACK schedules a re-send after a backoff; a
 *       final NACK dead-letters it; IN_PROGRESS pushes the deadline out;</li>
 *   <li>A5 Timeout, {@link #pollDue}: a passed deadline re-sends with attempt + 1, or dead-letters after the last
 *       attempt;</li>
 *   <li>A7 Restart, {@link #restore}: a message a previous run left pending comes back with its deadline.</li>
 * </ul>
 *
 * <p>This class is over 300 lines because it is the one owner of the pending messages and their indexes (by id,
 * by deadline, in accept order, the history of finished ones): every step above changes several of them at once,
 * and keeping them in one class is what keeps them consistent.
 *
 * <p>Not thread-safe: it lives on its verticle's event loop.
 */
public final class MessageTracker {

  /** What a passed deadline calls for. */
  public enum Action {
    /** Send the message's current attempt (a re-send; {@link TrackedMessage#attempt()} is already advanced). */
    SEND,
    /** Write the message to the dead-letter topic with {@link TrackedMessage#reason()}, then tell the caller. */
    DEAD_LETTER
  }

  /** One thing to do for one message. */
  public record Due(Action action, TrackedMessage message) {
  }

  /** How a reply was taken. */
  public enum ReplyOutcome {
    /** First ACK: the message is done. */
    ACKED,
    /** A second or late ACK for a message already final. */
    DUPLICATE,
    /** A reply for an id this A does not know (or has forgotten). */
    UNKNOWN,
    /** A NACK or IN_PROGRESS that no longer matters (an older attempt, or the message is final). */
    STALE,
    /** Retryable NACK: a re-send is scheduled after a backoff. */
    RETRY_SCHEDULED,
    /** Final NACK, or a NACK of the last attempt: dead-letter it. */
    DEAD_LETTER,
    /** IN_PROGRESS: the deadline moved out (or not, if the message's total extension is used up). */
    EXTENDED,
    /**
     * A reply without the proof of an attempt A sent (or for an attempt A never sent): not from a B that read the
     * message. Ignored, and counted.
     */
    FORGED,
    /** A genuine reply for a message an operator cancelled: counted and noted, not applied. */
    AFTER_CANCEL
  }

  /** The outcome of a reply, with the message it concerned ({@code null} for UNKNOWN). */
  public record ReplyResult(ReplyOutcome outcome, TrackedMessage message) {
  }

  /** How a cancel was taken. */
  public enum CancelOutcome {
    /** The message is final as {@link MessageState#CANCELLED}: write its dead letter. */
    CANCELLED,
    /** No pending or remembered message has this id. */
    UNKNOWN,
    /** The message is final already (ACKed, dead-lettered or cancelled): nothing changes. */
    FINAL,
    /** Its first write is still under way, so its caller has not been told it was accepted: nothing changes. */
    NOT_ACCEPTED
  }

  /** The outcome of a cancel, with the message it concerned ({@code null} for UNKNOWN). */
  public record CancelResult(CancelOutcome outcome, TrackedMessage message) {
  }

  private final Clock clock;
  private final DoubleSupplier random;
  private final int historyCapacity;
  private final IdTable pending = new IdTable();
  private final Map<String, TrackedMessage> history;
  private final DeadlineQueue deadlines = new DeadlineQueue();
  private final TrackerStats stats = new TrackerStats();
  private final TimerLateness lateness;
  // Accept order of the pending messages, and finish order of the remembered ones, for paging (SeqIndex).
  // Liveness from the message's own flags, not an id lookup: a lookup would make a String of the id each time.
  private final SeqIndex pendingOrder = new SeqIndex(TrackedMessage::acceptSeq, TrackedMessage::pendingHere);
  // Content types repeat: one shared string per distinct value instead of one per message.
  private final Map<String, String> contentTypes = new HashMap<>();
  private final SeqIndex ackedOrder;
  private final SeqIndex deadOrder;
  private final List<TrackerListener> listeners = new ArrayList<>(2);
  // Dead-lettered messages whose dead-letter record is not durable yet: a checkpoint must still hold them.
  private final Map<String, TrackedMessage> lettering = new LinkedHashMap<>();
  private Receipts receipts = Receipts.random();
  private final OperatorNotes notes;
  // Id to {secret, last attempt} of a final message whose id was accepted again (a redrive): replies to that earlier
  // series still arrive (copies B had not read yet), carry its receipts, and are no forgeries.
  private final Map<String, long[]> earlierSeries;
  private TrackedMessage evicted;
  private long acceptSeq;
  private long finishSeq;
  private RetryPolicy policy;

  /**
   * @param historyCapacity how many final messages to remember, for lookups and to tell a duplicate ACK from an
   *                        unknown one
   */
  public MessageTracker(Clock clock, RetryPolicy policy, DoubleSupplier random, int historyCapacity) {
    this.clock = clock;
    this.policy = policy;
    this.random = random;
    this.historyCapacity = historyCapacity;
    this.lateness = new TimerLateness(clock);
    this.history = new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, TrackedMessage> eldest) {
        if (size() > MessageTracker.this.historyCapacity) {
          // Still in the map until this returns: the index is told after the put (see remember()).
          evicted = eldest.getValue();
          return true;
        }
        return false;
      }
    };
    this.notes = new OperatorNotes(Math.max(1_000, historyCapacity));
    int seriesKept = Math.max(1_000, historyCapacity);
    this.earlierSeries = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
        return size() > seriesKept;
      }
    };
    this.ackedOrder = new SeqIndex(TrackedMessage::finishSeq, TrackedMessage::remembered);
    this.deadOrder = new SeqIndex(TrackedMessage::finishSeq, TrackedMessage::remembered);
  }

  /**
   * The receipt key messages are accepted under from now on: the one of A's checkpoints (see {@link Receipts}), set
   * before the first message is accepted.
   */
  public void receipts(Receipts key) {
    this.receipts = key;
  }

  /** The policy for timers armed from now on; already armed timers keep theirs. */
  public void policy(RetryPolicy policy) {
    this.policy = policy;
  }

  public RetryPolicy policy() {
    return policy;
  }

  /** Adds a listener for sends, re-sends, ACKs and dead letters; see {@link TrackerListener}. */
  public void addListener(TrackerListener listener) {
    listeners.add(listener);
  }

  /**
   * A1 Accept: takes a new message and starts attempt 1.
   *
   * @param timeoutMillis the caller's own first-attempt timeout, or 0 for the policy's default
   * @throws IllegalStateException if a message with this id is pending
   */
  public TrackedMessage accept(String id, byte[] payload, String contentType, long timeoutMillis) {
    return accept(id, payload, contentType, timeoutMillis, null);
  }

  /**
   * A1 Accept, with the trace the message's spans join ({@code null}: none).
   *
   * @throws IllegalStateException if a message with this id is pending
   */
  public TrackedMessage accept(String id, byte[] payload, String contentType, long timeoutMillis, TraceRoot trace) {
    if (pending.containsKey(id)) {
      throw new IllegalStateException("message " + id + " is already pending");
    }
    TrackedMessage before = history.get(id);
    if (before != null && before.secret() != 0) {
      earlierSeries.put(id, new long[] {before.secret(), before.attempt()});
    }
    long base = timeoutMillis > 0 ? timeoutMillis : policy.ackTimeoutMillis();
    long now = clock.wallMillis();
    TrackedMessage m = new TrackedMessage(id, payload, canonical(contentType), base, now,
        clock.monotonicMillis(), receipts.secretFor(id, now));
    m.trace(trace);
    m.startAttempt(1, now);
    register(m, id);
    return m;
  }

  /**
   * A7 Restart: takes back a message a previous run of this producer left pending (from the
   * {@link io.ackcoord.producer.ledger.Ledger}). Its deadline is carried over in wall time; an overdue one fires at
   * once. An id already pending is left alone. An entry with a dead-letter reason comes back dead-lettered, its
   * dead letter still to be written.
   *
   * @return the restored message, or {@code null} if the id was already pending
   */
  public TrackedMessage restore(LedgerEntry e) {
    if (pending.containsKey(e.id())) {
      return null;
    }
    long nowWall = clock.wallMillis();
    long nowMono = clock.monotonicMillis();
    TrackedMessage m = new TrackedMessage(e.id(), e.payload(), canonical(e.contentType()), e.baseTimeoutMillis(),
        e.acceptedAtMillis(), nowMono - Math.max(0, nowWall - e.acceptedAtMillis()), e.secret());
    if (e.position() != null) {
      m.recordAt(e.position());
    }
    m.restored();
    m.trace(e.trace());
    m.startAttempt(Math.max(1, e.attempt()), e.sentAtMillis());
    m.attemptRecovered();
    m.await(nowMono + Math.max(0, e.deadlineMillis() - nowWall));
    m.extendedBefore(e.extendedMillis());
    register(m, e.id());
    stats.recovered++;
    if (e.deadLetterReason() != null) {
      deadLetter(m, e.deadLetterReason());
    } else {
      deadlines.schedule(m);
    }
    return m;
  }

  // Pending from now on: looked up by id, listed in accept order, and no longer in the history of finished ones.
  private void register(TrackedMessage m, String id) {
    m.acceptSeq = ++acceptSeq;
    pending.put(id, m);
    pendingOrder.add(m);
    forget(history.remove(id));
  }

  /**
   * A message's checkpoint entry: its current attempt, where its record lies, and its deadline in wall time (while
   * no timer runs, the one the attempt will get once sent, without jitter: after a restart, a deadline a little early
   * or late only moves one re-send). {@code null} for a message that has neither a confirmed record nor a payload
   * from an earlier ledger: it was accepted after the checkpoint's cut, and a restart finds it in topic 1.
   */
  public LedgerEntry checkpointEntry(TrackedMessage m, String producerId) {
    Position at = m.position();
    if (at == null && !m.wasRestored()) {
      return null;
    }
    long sentAt = m.attemptSentAt();
    long deadline = m.deadline() == Long.MAX_VALUE
        ? sentAt + policy.timeoutFor(m.attempt(), m.baseTimeoutMillis(), 0.5)
        : clock.wallMillis() + (m.deadline() - clock.monotonicMillis());
    byte[] payload = at != null ? null : m.payload() == null ? new byte[0] : m.payload();
    String reason = m.state() == MessageState.DEAD_LETTERED || m.state() == MessageState.CANCELLED ? m.reason() : null;
    return new LedgerEntry(m.id(), producerId, m.attempt(), m.acceptedAt(), sentAt, m.baseTimeoutMillis(),
        deadline, m.contentType(), payload, m.secret(), at, reason == null ? m.extendedMillis() : 0, reason,
        m.trace());
  }

  /** Dead-lettered messages whose dead-letter record is not durable yet, oldest first. */
  public List<TrackedMessage> deadLettering() {
    return new ArrayList<>(lettering.values());
  }

  /** Whether a message with this id is pending. */
  public boolean isPending(String id) {
    return pending.containsKey(id);
  }

  /**
   * A2 Send: the broker confirmed {@code attempt}, written at {@code at} in topic 1; its reply timer (A3 Wait) starts
   * now. From here on A keeps the record's position, not the payload. The timer is left alone when the message has
   * moved on (an ACK can overtake the producer's own confirmation).
   *
   * @param at where the record was written, or {@code null} when not known (the payload is kept then)
   */
  public void sendConfirmed(TrackedMessage m, int attempt, Position at) {
    if (attempt == 1) {
      // Counted even when the ACK overtook this confirmation: the record was written either way.
      stats.sent++;
      listeners.forEach(l -> l.sent(m));
    }
    if (at != null && m.state().isPending() && (m.position() == null || attempt == m.attempt())) {
      // Any confirmed copy will do (the payload is the same); the current attempt's is kept, as it expires last.
      m.recordAt(at);
    }
    if (m.state() != MessageState.SENDING || m.attempt() != attempt) {
      return;
    }
    long timeout = policy.timeoutFor(attempt, m.baseTimeoutMillis(), random.getAsDouble());
    m.attemptConfirmed(clock.wallMillis(), timeout);
    m.await(clock.monotonicMillis() + timeout);
    deadlines.schedule(m);
  }

  /**
   * A send of an accepted message failed (broker unreachable past the producer's own retries): the same attempt is
   * sent again after a backoff. The attempt does not count, since B never saw it.
   */
  public void sendFailed(TrackedMessage m, int attempt, String error) {
    if (m.state() != MessageState.SENDING || m.attempt() != attempt) {
      return;
    }
    stats.sendFailures++;
    m.attemptOutcome("send failed: " + error);
    m.waitResend(attempt, clock.monotonicMillis() + policy.retryDelayFor(attempt, random.getAsDouble()));
    deadlines.schedule(m);
  }

  /**
   * {@code attempt} cannot be sent at all, ever (its payload is no longer in topic 1): the message is dead-lettered
   * with {@code reason}.
   *
   * @return whether it was; not when the message has moved on meanwhile (an ACK came)
   */
  public boolean giveUp(TrackedMessage m, int attempt, String reason) {
    if (m.state() != MessageState.SENDING || m.attempt() != attempt) {
      return false;
    }
    m.attemptOutcome(reason);
    deadLetter(m, reason);
    return true;
  }

  /** The first send failed before the caller was told it was accepted: forget the message entirely. */
  public void reject(TrackedMessage m) {
    if (pending.remove(m)) {
      m.rejected();
      pendingOrder.removed();
      deadlines.cancel(m);
      stats.rejected++;
    }
  }

  /** A4 Reply: takes one reply addressed to this producer. */
  public ReplyResult onReply(Reply reply) {
    TrackedMessage m = pending.get(reply.id());
    if (m == null) {
      TrackedMessage done = history.get(reply.id());
      if (done == null) {
        stats.unknownAcks++;
        return new ReplyResult(ReplyOutcome.UNKNOWN, null);
      }
      if (!done.authentic(reply)) {
        return earlierSeries(reply) ? stale(done) : forged(done);
      }
      if (done.state() == MessageState.CANCELLED) {
        stats.repliesAfterCancel++;
        note(done.id(), reply.type() + " to attempt " + reply.attempt() + " after the cancel: counted, not applied"
            + (reply.type() == Reply.Type.ACK ? " (B processed it)" : ""));
        return new ReplyResult(ReplyOutcome.AFTER_CANCEL, done);
      }
      if (reply.type() == Reply.Type.ACK) {
        stats.duplicateAcks++;
        return new ReplyResult(ReplyOutcome.DUPLICATE, done);
      }
      stats.staleReplies++;
      return new ReplyResult(ReplyOutcome.STALE, done);
    }
    if (!m.authentic(reply)) {
      return earlierSeries(reply) ? stale(m) : forged(m);
    }
    return switch (reply.type()) {
      case ACK -> acked(m, reply);
      case NACK -> nacked(m, reply);
      case IN_PROGRESS -> extended(m, reply);
    };
  }

  /** A5 Timeout: removes and returns up to {@code limit} messages whose deadline has passed, with what to do. */
  public List<Due> pollDue(int limit) {
    long now = clock.monotonicMillis();
    List<TrackedMessage> expired = deadlines.pollDue(now, limit);
    List<Due> due = new ArrayList<>(expired.size());
    for (TrackedMessage m : expired) {
      lateness.fired(m.deadline());
      if (m.state() == MessageState.WAITING_RESEND) {
        startResend(m, m.nextAttempt());
        due.add(new Due(Action.SEND, m));
      } else if (m.state() == MessageState.AWAITING_REPLY) {
        m.attemptTimedOut();
        if (policy.isLast(m.attempt())) {
          deadLetter(m, "no reply after " + m.attempt() + " attempt(s); last timeout "
              + m.attemptTimeoutMillis() + " ms");
          due.add(new Due(Action.DEAD_LETTER, m));
        } else {
          startResend(m, m.attempt() + 1);
          due.add(new Due(Action.SEND, m));
        }
      }
    }
    return due;
  }

  /**
   * An operator stops message {@code id}: no more re-sends, and it becomes final as {@link MessageState#CANCELLED}
   * with {@code reason} (who and why). Its dead letter is then written like any other; a reply that still comes is
   * counted ({@link TrackerStats#repliesAfterCancel()}), not applied.
   */
  public CancelResult cancel(String id, String reason) {
    TrackedMessage m = pending.get(id);
    if (m == null) {
      TrackedMessage done = history.get(id);
      return new CancelResult(done == null ? CancelOutcome.UNKNOWN : CancelOutcome.FINAL, done);
    }
    // Attempt 1 not yet confirmed: the caller may still be refused (then nothing was accepted), so nothing to cancel.
    if (m.state() == MessageState.SENDING && m.attempt() == 1 && m.attempts().size() == 1) {
      return new CancelResult(CancelOutcome.NOT_ACCEPTED, m);
    }
    m.attemptOutcome("cancelled");
    finish(m, MessageState.CANCELLED, reason);
    // Until its dead letter is durable a checkpoint holds it, so a restart still writes it (as a dead letter).
    lettering.put(m.id(), m);
    stats.cancelled++;
    note(id, reason);
    listeners.forEach(l -> l.cancelled(m));
    return new CancelResult(CancelOutcome.CANCELLED, m);
  }

  /** Adds a line to message {@code id}'s operator notes (a cancel, a redrive), shown with its history. */
  public void note(String id, String text) {
    notes.add(id, clock.wallMillis(), text);
  }

  /** The operator notes on message {@code id}, oldest first. */
  public List<OperatorNotes.Note> notes(String id) {
    return notes.of(id);
  }

  /** Monotonic time of the earliest deadline, {@link Long#MAX_VALUE} when nothing waits. */
  public long nextDeadline() {
    return deadlines.earliest();
  }

  /** The dead-letter record is durable: the payload is no longer needed, and the message's waiters may hear. */
  public void deadLetterWritten(TrackedMessage m) {
    m.deadLetterWritten();
    lettering.remove(m.id(), m);
  }

  /** A pending or recently final message. */
  public Optional<TrackedMessage> find(String id) {
    TrackedMessage m = pending.get(id);
    return Optional.ofNullable(m != null ? m : history.get(id));
  }

  /**
   * Up to {@code limit} pending messages accepted after the one with accept sequence {@code afterSeq} (0: from the
   * oldest), oldest first. See {@link SeqIndex} for the cursor's semantics.
   */
  public SeqIndex.Page pendingPage(long afterSeq, int limit) {
    return pendingOrder.after(afterSeq, limit);
  }

  /**
   * Up to {@code limit} remembered messages in {@code state} that finished before the one with finish sequence
   * {@code beforeSeq} ({@link Long#MAX_VALUE}: from the newest), newest first. DEAD_LETTERED and CANCELLED list the
   * same messages, both kinds: everything in the dead-letter topic.
   */
  public SeqIndex.Page finishedPage(MessageState state, long beforeSeq, int limit) {
    return switch (state) {
      case ACKED -> ackedOrder.before(beforeSeq, limit);
      case DEAD_LETTERED, CANCELLED -> deadOrder.before(beforeSeq, limit);
      default -> throw new IllegalArgumentException("not a final state: " + state);
    };
  }

  /** The pending message accepted first, or {@code null}: how long the oldest has waited is the page's alarm. */
  public TrackedMessage oldestPending() {
    return pendingOrder.first();
  }

  public int pendingCount() {
    return pending.size();
  }

  /** How late the deadline timers fired. */
  public TimerLateness lateness() {
    return lateness;
  }

  /** Counters since start. */
  public TrackerStats stats() {
    return stats;
  }

  // A reply with the receipt of an attempt of this id's earlier series: genuine, but about copies A gave up on.
  private boolean earlierSeries(Reply reply) {
    long[] series = earlierSeries.get(reply.id());
    return series != null && reply.attempt() <= series[1]
        && reply.proof() == Reply.proof(Receipts.receipt(series[0], reply.attempt()), reply.type());
  }

  private ReplyResult stale(TrackedMessage m) {
    stats.staleReplies++;
    return new ReplyResult(ReplyOutcome.STALE, m);
  }

  private ReplyResult forged(TrackedMessage m) {
    stats.forgedReplies++;
    return new ReplyResult(ReplyOutcome.FORGED, m);
  }

  private ReplyResult acked(TrackedMessage m, Reply reply) {
    deadlines.cancel(m);
    if (reply.attempt() == m.attempt()) {
      m.attemptAcked();
    } else {
      m.attemptOutcome("acked (reply to attempt " + reply.attempt() + ")");
    }
    finish(m, MessageState.ACKED, null);
    stats.acked++;
    listeners.forEach(l -> l.acked(m));
    return new ReplyResult(ReplyOutcome.ACKED, m);
  }

  private ReplyResult nacked(TrackedMessage m, Reply reply) {
    if (reply.attempt() < m.attempt() || m.state() == MessageState.WAITING_RESEND) {
      // A re-send is already out (or scheduled); the verdict on an older copy changes nothing.
      stats.staleReplies++;
      return new ReplyResult(ReplyOutcome.STALE, m);
    }
    stats.nacks++;
    m.attemptOutcome("nack: " + reply.reason() + (reply.retryable() ? "" : " (not retryable)"));
    if (!reply.retryable() || policy.isLast(m.attempt())) {
      deadlines.cancel(m);
      deadLetter(m, (reply.retryable() ? "retryable NACK of the last attempt (" + m.attempt() + "): "
          : "non-retryable NACK: ") + reply.reason());
      return new ReplyResult(ReplyOutcome.DEAD_LETTER, m);
    }
    m.waitResend(m.attempt() + 1,
        clock.monotonicMillis() + policy.retryDelayFor(m.attempt(), random.getAsDouble()));
    deadlines.schedule(m);
    return new ReplyResult(ReplyOutcome.RETRY_SCHEDULED, m);
  }

  private ReplyResult extended(TrackedMessage m, Reply reply) {
    if (m.state() != MessageState.AWAITING_REPLY) {
      stats.staleReplies++;
      return new ReplyResult(ReplyOutcome.STALE, m);
    }
    long proposed = clock.monotonicMillis() + Math.min(reply.extendMillis(), policy.maxExtensionMillis());
    long left = policy.maxTotalExtensionMillis() - m.extendedMillis();
    proposed = Math.min(proposed, m.deadline() + Math.max(0, left));
    if (proposed > m.deadline()) {
      m.extend(proposed);
      deadlines.schedule(m);
    }
    stats.extensions++;
    return new ReplyResult(ReplyOutcome.EXTENDED, m);
  }

  private void startResend(TrackedMessage m, int attempt) {
    boolean retry = attempt > m.attempt();
    String reason = m.attemptOutcome();
    attemptEnded(m);
    m.startAttempt(attempt, clock.wallMillis());
    if (retry) {
      stats.retries++;
      listeners.forEach(l -> l.resent(m, reason));
    }
  }

  private void deadLetter(TrackedMessage m, String reason) {
    finish(m, MessageState.DEAD_LETTERED, reason);
    lettering.put(m.id(), m);
    stats.deadLettered++;
    listeners.forEach(l -> l.deadLettered(m));
  }

  private void finish(TrackedMessage m, MessageState state, String reason) {
    attemptEnded(m);
    deadlines.cancel(m);
    m.finish(state, clock.wallMillis(), clock.monotonicMillis(), reason, ++finishSeq);
    pending.remove(m);
    pendingOrder.removed();
    remember(m);
  }

  // A plain loop: no lambda to allocate per attempt.
  private void attemptEnded(TrackedMessage m) {
    for (int i = 0; i < listeners.size(); i++) {
      listeners.get(i).attemptEnded(m);
    }
  }

  private String canonical(String contentType) {
    if (contentType == null) {
      return null;
    }
    String known = contentTypes.get(contentType);
    if (known != null) {
      return known;
    }
    // A client sending a different type each time must not grow this without bound.
    if (contentTypes.size() < 256) {
      contentTypes.put(contentType, contentType);
    }
    return contentType;
  }

  private void remember(TrackedMessage m) {
    if (historyCapacity == 0) {
      return;
    }
    history.put(m.id(), m);
    m.remembered(true);
    (m.state() == MessageState.ACKED ? ackedOrder : deadOrder).add(m);
    TrackedMessage gone = evicted;
    evicted = null;
    forget(gone);
  }

  // A remembered message left the history (evicted, or its id accepted again): its index no longer lists it.
  private void forget(TrackedMessage m) {
    if (m != null) {
      m.remembered(false);
      (m.state() == MessageState.ACKED ? ackedOrder : deadOrder).removed();
    }
  }
}

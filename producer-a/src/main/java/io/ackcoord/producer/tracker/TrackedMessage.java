package io.ackcoord.producer.tracker;

import io.ackcoord.producer.ids.Receipts;
import io.ackcoord.producer.ledger.Position;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.Reply;
import io.ackcoord.tracing.TraceRoot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A's record of one message: where its payload lies, state, current attempt, deadline and history.
 *
 * <p>The payload is held only until a send of it is confirmed; from then on the record in topic 1 is its durable
 * copy, and A keeps the record's {@link Position} instead (three words, whatever the payload's size): a re-send or a
 * dead letter reads the bytes back from there (see docs/decisions/014).
 *
 * <p>A million of these may be pending at once, and B being down re-sends every one of them several times, so the
 * layout is compact: the id as its bytes (no {@code String} object: 24 bytes a message), the current attempt in
 * plain fields, and what few messages need (earlier attempts, as two longs each in one array; an outcome's text; an
 * extension; what only a final message has) in one separate object made when first needed. The common outcomes are
 * codes, turned into text only when the status API asks; {@link Attempt}s are made then. A pending message that was
 * never re-sent is 120 bytes plus its id's bytes (decision 008).
 *
 * <p>Mutated only by {@link MessageTracker} on one thread; everything else reads it.
 *
 * <p>Somewhat over 300 lines because the compact layout above keeps in its own fields what separate objects would
 * otherwise hold (the attempt history, the outcome codes and their texts); it is still one message's state.
 */
public final class TrackedMessage {

  /** Attempts kept in the history: the first and the latest ones (a send failing for hours repeats an attempt). */
  static final int MAX_HISTORY = 20;

  // What became of the current attempt; TEXT means outcomeText says it.
  private static final byte SENDING = 0;
  private static final byte SENT = 1;
  private static final byte ACKED = 2;
  private static final byte TIMED_OUT = 3;
  private static final byte RECOVERED = 4;
  private static final byte TEXT = 5;

  private static final MessageState[] STATES = MessageState.values();
  private static final byte RESTORED = 1;
  private static final byte DEAD_LETTER_DURABLE = 2;
  private static final byte REJECTED = 4;
  private static final byte REMEMBERED = 8;

  /** What few messages need: made when first needed. */
  private static final class Rare {
    // How far IN_PROGRESS replies have pushed deadlines out so far, capped by the retry policy.
    int extendedMillis;
    String outcomeText;
    // Earlier attempts, two longs each: (sentAt - acceptedAt) << 32 | confirm delay (-1: none), and
    // timeout << 32 | number << 8 | outcome code. Texts only for TEXT outcomes, in a parallel array made when needed.
    long[] earlier;
    String[] earlierTexts;
    // Final: finishSeq > 0.
    long finishedAtWall;
    long latencyMillis = -1;
    String reason;
    long finishSeq;
  }

  // The id's characters as bytes: one byte each when all are Latin-1 (always, for an id MessageIds accepts), else
  // two (UTF-16), so that any string survives.
  private final byte[] id;
  private final boolean wideId;
  private final String contentType;
  // At most a day (HttpApi, EventBusApi and the config check it): an int keeps the object a word smaller.
  private final int baseTimeoutMillis;
  private final long acceptedAtWall;
  private final long acceptedAtMonotonic;
  // What receipts derive from (Receipts); 0 for a message from a ledger older than receipts.
  private final long secret;
  // The caller's bytes until a send is confirmed (or, from an older ledger, until one is); then null.
  private byte[] payload;
  // The latest confirmed record in topic 1; -1 until there is one.
  private int recordPartition = -1;
  private long recordOffset = -1;
  // RESTORED: taken back from the ledger at start-up (a payload it holds is durable there, not only on its way to
  // topic 1); DEAD_LETTER_DURABLE; REJECTED: forgotten, its first send failed; REMEMBERED: in the tracker's history
  // of finished messages. The last two answer the tracker's indexes without an id lookup.
  private byte flags;
  private byte state = (byte) MessageState.SENDING.ordinal();
  private int attempt;
  private int nextAttempt;
  private long deadline = Long.MAX_VALUE;
  // Position in the deadline queue's heap, -1 when not queued (DeadlineQueue).
  int heapIndex = -1;
  // Order of acceptance, set by the tracker: the cursor of the pending listing (SeqIndex).
  long acceptSeq;
  // The current attempt.
  private long sentAt;
  private int confirmDelayMillis = -1;
  private int timeoutMillis;
  private byte outcome = SENDING;
  private Rare rare;
  // The trace every span of this message joins; null with tracing off (one reference, no object).
  private TraceRoot trace;

  TrackedMessage(String id, byte[] payload, String contentType, long baseTimeoutMillis, long acceptedAtWall,
      long acceptedAtMonotonic, long secret) {
    this.wideId = !isLatin1(id);
    this.id = id.getBytes(wideId ? StandardCharsets.UTF_16BE : StandardCharsets.ISO_8859_1);
    this.secret = secret;
    this.payload = payload;
    this.contentType = contentType;
    this.baseTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, baseTimeoutMillis);
    this.acceptedAtWall = acceptedAtWall;
    this.acceptedAtMonotonic = acceptedAtMonotonic;
  }

  /** The message's id; a new {@code String} each call (the message keeps only its bytes). */
  public String id() {
    return new String(id, wideId ? StandardCharsets.UTF_16BE : StandardCharsets.ISO_8859_1);
  }

  /** Whether this message's id is {@code other}, without making a {@code String} of it. */
  boolean hasId(String other) {
    int n = other.length();
    if (n != (wideId ? id.length / 2 : id.length)) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = wideId ? (char) ((id[2 * i] & 0xFF) << 8 | id[2 * i + 1] & 0xFF) : (char) (id[i] & 0xFF);
      if (c != other.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Whether this message's id is {@code other}'s. */
  boolean sameId(TrackedMessage other) {
    return wideId == other.wideId && Arrays.equals(id, other.id);
  }

  private static boolean isLatin1(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0xFF) {
        return false;
      }
    }
    return true;
  }

  public MessageState state() {
    return STATES[state];
  }

  /** The attempt sent last (or being sent), 1-based. */
  public int attempt() {
    return attempt;
  }

  /** The caller's own first-attempt timeout, or the configured default at accept time. */
  public long baseTimeoutMillis() {
    return baseTimeoutMillis;
  }

  public long acceptedAt() {
    return acceptedAtWall;
  }

  /** Monotonic deadline of the running timer, {@link Long#MAX_VALUE} when none runs. */
  public long deadline() {
    return deadline;
  }

  /** Why the message was dead-lettered, or {@code null}. */
  public String reason() {
    return rare == null ? null : rare.reason;
  }

  /** Wall time of the ACK or dead-letter, 0 while pending. */
  public long finishedAt() {
    return rare == null ? 0 : rare.finishedAtWall;
  }

  public String contentType() {
    return contentType;
  }

  /** The attempts so far, oldest first (the first and the latest {@value #MAX_HISTORY} - 1 of a long run). */
  public List<Attempt> attempts() {
    long[] earlier = rare == null ? null : rare.earlier;
    String[] earlierTexts = rare == null ? null : rare.earlierTexts;
    int kept = earlier == null ? 0 : earlier.length / 2;
    List<Attempt> out = new ArrayList<>(kept + 1);
    for (int i = 0; i < kept; i++) {
      long a = earlier[2 * i];
      long b = earlier[2 * i + 1];
      long sent = acceptedAtWall + (int) (a >> 32);
      int confirmDelay = (int) a;
      int timeout = (int) (b >> 32);
      out.add(new Attempt((int) (b >> 8) & 0xFFFFFF, sent, confirmDelay < 0 ? 0 : sent + confirmDelay, timeout,
          outcomeText((byte) b, timeout, earlierTexts == null ? null : earlierTexts[i])));
    }
    if (attempt > 0) {
      out.add(new Attempt(attempt, sentAt, confirmDelayMillis < 0 ? 0 : sentAt + confirmDelayMillis, timeoutMillis,
          attemptOutcome()));
    }
    return out;
  }

  /** The envelope of the current attempt, with its receipt, carrying the payload held (see {@link #payload()}). */
  public Envelope envelope(String producerId, int replyPartition) {
    return envelope(producerId, replyPartition, payload == null ? new byte[0] : payload);
  }

  /** The envelope of the current attempt, with its receipt, carrying {@code bytes} (read back from topic 1). */
  public Envelope envelope(String producerId, int replyPartition, byte[] bytes) {
    return new Envelope(id(), producerId, attempt, acceptedAtWall, sentAt, replyPartition,
        baseTimeoutMillis, contentType, bytes, Receipts.receipt(secret, attempt));
  }

  /**
   * Where the latest confirmed copy of this message lies in topic 1, or {@code null} before any send was confirmed
   * (then {@link #payload()} holds the bytes).
   */
  public Position position() {
    return recordPartition < 0 ? null : new Position(recordPartition, recordOffset);
  }

  /** Whether the dead-letter record of this dead-lettered message is durable. */
  public boolean deadLetterDurable() {
    return (flags & DEAD_LETTER_DURABLE) != 0;
  }

  /**
   * The trace this message's spans join (its submission span), or {@code null} when tracing was off when it was
   * accepted. Kept in A's checkpoints and written as {@code traceparent} on each of its records in topic 1.
   */
  public TraceRoot trace() {
    return trace;
  }

  void trace(TraceRoot root) {
    this.trace = root;
  }

  /** The secret receipts derive from, for the ledger; 0 for a message from a ledger older than receipts. */
  public long secret() {
    return secret;
  }

  /**
   * Whether {@code reply} can only have come from whoever read the attempt it names: an attempt A has sent, and the
   * proof made from its receipt for the reply's type. An ACK of an earlier attempt is genuine (that copy was
   * processed), so any attempt up to the current one counts. Comparing two longs takes the same time whichever bits
   * differ, so the answer's timing tells nothing about the right proof.
   */
  boolean authentic(Reply reply) {
    if (secret == 0) {
      return true;
    }
    return reply.attempt() <= attempt
        && reply.proof() == Reply.proof(Receipts.receipt(secret, reply.attempt()), reply.type());
  }

  int extendedMillis() {
    return rare == null ? 0 : rare.extendedMillis;
  }

  void extendedBefore(int millis) {
    if (millis > 0 || rare != null) {
      rare().extendedMillis = Math.max(0, millis);
    }
  }

  void restored() {
    flags |= RESTORED;
  }

  boolean wasRestored() {
    return (flags & RESTORED) != 0;
  }

  void rejected() {
    flags |= REJECTED;
  }

  /** Whether the tracker holds this message as pending: not final, and not forgotten after a failed first send. */
  boolean pendingHere() {
    return state().isPending() && (flags & REJECTED) == 0;
  }

  void remembered(boolean inHistory) {
    flags = (byte) (inHistory ? flags | REMEMBERED : flags & ~REMEMBERED);
  }

  /** Whether this message is in the tracker's history of finished messages. */
  boolean remembered() {
    return (flags & REMEMBERED) != 0;
  }

  private Rare rare() {
    if (rare == null) {
      rare = new Rare();
    }
    return rare;
  }

  /** When the current attempt was handed to the producer (wall millis). */
  public long attemptSentAt() {
    return sentAt;
  }

  /** The reply timeout armed for the current attempt, 0 until armed. */
  long attemptTimeoutMillis() {
    return timeoutMillis;
  }

  /** What became of the current attempt so far, as the status API words it. */
  public String attemptOutcome() {
    return outcomeText(outcome, timeoutMillis, rare == null ? null : rare.outcomeText);
  }

  private static String outcomeText(byte code, int timeout, String text) {
    return switch (code) {
      case SENDING -> "sending";
      case SENT -> "sent";
      case ACKED -> "acked";
      case TIMED_OUT -> "timed out after " + timeout + " ms";
      case RECOVERED -> "recovered from the ledger after a restart";
      default -> text;
    };
  }

  void attemptConfirmed(long atWall, long timeout) {
    confirmDelayMillis = (int) Math.max(0, Math.min(Integer.MAX_VALUE, atWall - sentAt));
    timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout);
    outcome = SENT;
    clearOutcomeText();
  }

  private void clearOutcomeText() {
    if (rare != null) {
      rare.outcomeText = null;
    }
  }

  void attemptAcked() {
    outcome = ACKED;
  }

  void attemptTimedOut() {
    outcome = TIMED_OUT;
  }

  void attemptRecovered() {
    outcome = RECOVERED;
  }

  void attemptOutcome(String text) {
    outcome = TEXT;
    rare().outcomeText = text;
  }

  int nextAttempt() {
    return nextAttempt;
  }

  void startAttempt(int number, long sentAtWall) {
    if (attempt > 0) {
      keepCurrent();
    }
    attempt = number;
    state = (byte) MessageState.SENDING.ordinal();
    sentAt = sentAtWall;
    confirmDelayMillis = -1;
    timeoutMillis = 0;
    outcome = SENDING;
    clearOutcomeText();
  }

  void await(long deadline) {
    state = (byte) MessageState.AWAITING_REPLY.ordinal();
    this.deadline = deadline;
  }

  void waitResend(int nextAttempt, long deadline) {
    state = (byte) MessageState.WAITING_RESEND.ordinal();
    this.nextAttempt = nextAttempt;
    this.deadline = deadline;
  }

  void extend(long deadline) {
    Rare r = rare();
    r.extendedMillis = (int) Math.min(Integer.MAX_VALUE, r.extendedMillis + (deadline - this.deadline));
    this.deadline = deadline;
  }

  // Once a copy is in topic 1 the bytes live there: a re-send reads them back.
  void recordAt(Position at) {
    recordPartition = at.partition();
    recordOffset = at.offset();
    payload = null;
  }

  // An ACKed message needs its payload no more; a dead-lettered one keeps it until the dead-letter record is durable.
  void finish(MessageState finalState, long atWall, long atMonotonic, String reason, long finishSeq) {
    state = (byte) finalState.ordinal();
    deadline = Long.MAX_VALUE;
    Rare r = rare();
    r.finishedAtWall = atWall;
    r.latencyMillis = atMonotonic - acceptedAtMonotonic;
    r.reason = reason;
    r.finishSeq = finishSeq;
    if (finalState == MessageState.ACKED) {
      payload = null;
    }
  }

  void deadLetterWritten() {
    flags |= DEAD_LETTER_DURABLE;
    payload = null;
  }

  /** Monotonic time of acceptance, in ms: the age of a pending message is measured from it. */
  public long acceptedAtMonotonic() {
    return acceptedAtMonotonic;
  }

  /** This message's place in accept order (1, 2, …) within its tracker. */
  public long acceptSeq() {
    return acceptSeq;
  }

  /** This message's place in finish order within its tracker, 0 while pending. */
  public long finishSeq() {
    return rare == null ? 0 : rare.finishSeq;
  }

  /** Monotonic accept-to-final time in ms, for ACK latency; -1 while pending. */
  public long latencyMillis() {
    return rare == null ? -1 : rare.latencyMillis;
  }

  /**
   * The caller's bytes while no send of them is confirmed (or while restored from a ledger entry that carried them);
   * {@code null} once {@link #position()} says where they are, and once final.
   */
  public byte[] payload() {
    return payload;
  }

  // Keeps the first attempt and the latest ones, so a long outage cannot grow a message without bound.
  private void keepCurrent() {
    Rare r = rare();
    long[] earlier = r.earlier;
    String[] earlierTexts = r.earlierTexts;
    int kept = earlier == null ? 0 : earlier.length / 2;
    int slot;
    if (kept < MAX_HISTORY - 1) {
      earlier = earlier == null ? new long[2] : Arrays.copyOf(earlier, 2 * kept + 2);
      if (earlierTexts != null) {
        earlierTexts = Arrays.copyOf(earlierTexts, kept + 1);
      }
      slot = kept;
    } else {
      System.arraycopy(earlier, 4, earlier, 2, earlier.length - 4);
      if (earlierTexts != null) {
        System.arraycopy(earlierTexts, 2, earlierTexts, 1, earlierTexts.length - 2);
        earlierTexts[kept - 1] = null;
      }
      slot = kept - 1;
    }
    long sentDelta = Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, sentAt - acceptedAtWall));
    earlier[2 * slot] = sentDelta << 32 | (confirmDelayMillis & 0xFFFFFFFFL);
    earlier[2 * slot + 1] = (long) timeoutMillis << 32 | (attempt & 0xFFFFFFL) << 8 | (outcome & 0xFFL);
    if (outcome == TEXT) {
      if (earlierTexts == null) {
        earlierTexts = new String[earlier.length / 2];
      }
      earlierTexts[slot] = r.outcomeText;
    }
    r.earlier = earlier;
    r.earlierTexts = earlierTexts;
  }
}

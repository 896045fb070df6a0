package io.ackcoord.producer;

import io.ackcoord.protocol.Envelope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A's record of one message: payload (kept for re-sends), state, current attempt, deadline and history.
 *
 * <p>Mutated only by {@link MessageTracker} on one thread; everything else reads it.
 */
public final class TrackedMessage {

  private final String id;
  private final String contentType;
  private final long baseTimeoutMillis;
  private final long acceptedAtWall;
  private final long acceptedAtMonotonic;
  private final List<Attempt> attempts = new ArrayList<>(2);
  private byte[] payload;
  private MessageState state = MessageState.SENDING;
  private int attempt;
  private int nextAttempt;
  private long deadline = Long.MAX_VALUE;
  // Bumped whenever the deadline changes, so a stale entry left in the deadline queue is recognised and skipped.
  int generation;
  // Whether the deadline queue holds a live entry for this message.
  boolean queued;
  // Order of acceptance and of finishing, set by the tracker: the cursors of paged listings (SeqIndex).
  long acceptSeq;
  long finishSeq;
  private String reason;
  private long finishedAtWall;
  private long latencyMillis = -1;

  TrackedMessage(String id, byte[] payload, String contentType, long baseTimeoutMillis, long acceptedAtWall,
      long acceptedAtMonotonic) {
    this.id = id;
    this.payload = payload;
    this.contentType = contentType;
    this.baseTimeoutMillis = baseTimeoutMillis;
    this.acceptedAtWall = acceptedAtWall;
    this.acceptedAtMonotonic = acceptedAtMonotonic;
  }

  public String id() {
    return id;
  }

  public MessageState state() {
    return state;
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
    return reason;
  }

  /** Wall time of the ACK or dead-letter, 0 while pending. */
  public long finishedAt() {
    return finishedAtWall;
  }

  public String contentType() {
    return contentType;
  }

  /** Every attempt so far, oldest first. */
  public List<Attempt> attempts() {
    return Collections.unmodifiableList(attempts);
  }

  /** The envelope of the current attempt. */
  public Envelope envelope(String producerId, int replyPartition) {
    Attempt current = attempts.get(attempts.size() - 1);
    return new Envelope(id, producerId, attempt, acceptedAtWall, current.sentAt(), replyPartition,
        baseTimeoutMillis, contentType, payload == null ? new byte[0] : payload);
  }

  Attempt currentAttempt() {
    return attempts.get(attempts.size() - 1);
  }

  int nextAttempt() {
    return nextAttempt;
  }

  void startAttempt(int number, long sentAtWall) {
    attempt = number;
    state = MessageState.SENDING;
    attempts.add(new Attempt(number, sentAtWall));
  }

  void await(long deadline) {
    state = MessageState.AWAITING_REPLY;
    this.deadline = deadline;
  }

  void waitResend(int nextAttempt, long deadline) {
    state = MessageState.WAITING_RESEND;
    this.nextAttempt = nextAttempt;
    this.deadline = deadline;
  }

  void extend(long deadline) {
    this.deadline = deadline;
  }

  // An ACKed message needs its payload no more; a dead-lettered one keeps it until the dead-letter record is durable.
  void finish(MessageState finalState, long atWall, long atMonotonic, String reason) {
    state = finalState;
    deadline = Long.MAX_VALUE;
    finishedAtWall = atWall;
    latencyMillis = atMonotonic - acceptedAtMonotonic;
    this.reason = reason;
    if (finalState == MessageState.ACKED) {
      payload = null;
    }
  }

  void releasePayload() {
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
    return finishSeq;
  }

  /** Monotonic accept-to-final time in ms, for ACK latency; -1 while pending. */
  public long latencyMillis() {
    return latencyMillis;
  }

  /** The payload kept for re-sends; released ({@code null}) once final. */
  byte[] payload() {
    return payload;
  }
}

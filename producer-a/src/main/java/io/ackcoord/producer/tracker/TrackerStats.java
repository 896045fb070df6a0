package io.ackcoord.producer.tracker;

/**
 * Counters of {@link MessageTracker}, since start. Written on the tracker's thread; read anywhere for display,
 * where a value a moment old is fine.
 */
public final class TrackerStats {

  long sent;
  long acked;
  long retries;
  long deadLettered;
  long duplicateAcks;
  long unknownAcks;
  long staleReplies;
  long forgedReplies;
  long nacks;
  long extensions;
  long sendFailures;
  long rejected;
  long recovered;
  long cancelled;
  long repliesAfterCancel;

  /** Replies without proof of an attempt this A sent: written by someone other than a B that read it. */
  public long forgedReplies() {
    return forgedReplies;
  }

  /** Messages whose first attempt the broker confirmed: accepted messages. */
  public long sent() {
    return sent;
  }

  /** Messages ACKed. */
  public long acked() {
    return acked;
  }

  /** Re-sends: attempts after the first. */
  public long retries() {
    return retries;
  }

  /** Messages given up on. */
  public long deadLettered() {
    return deadLettered;
  }

  /** ACKs for messages already final (B re-ACKs a redelivered copy; A re-sent before the first ACK arrived). */
  public long duplicateAcks() {
    return duplicateAcks;
  }

  /** Replies for ids this A does not know. */
  public long unknownAcks() {
    return unknownAcks;
  }

  /**
   * Replies that arrived too late to matter: a NACK or IN_PROGRESS of an older attempt, or any reply to an earlier
   * series of attempts of a redriven id.
   */
  public long staleReplies() {
    return staleReplies;
  }

  /** NACK replies acted on. */
  public long nacks() {
    return nacks;
  }

  /** IN_PROGRESS replies that moved a deadline. */
  public long extensions() {
    return extensions;
  }

  /** Sends that failed after the producer's own retries, and were retried by A. */
  public long sendFailures() {
    return sendFailures;
  }

  /** Submissions refused because their first send failed (the caller got an error, nothing was accepted). */
  public long rejected() {
    return rejected;
  }

  /** Pending messages an operator cancelled. */
  public long cancelled() {
    return cancelled;
  }

  /** Genuine replies for messages that were cancelled: counted, not applied (an ACK means B processed it anyway). */
  public long repliesAfterCancel() {
    return repliesAfterCancel;
  }

  /** Pending messages taken back from the ledger at start-up. */
  public long recovered() {
    return recovered;
  }
}

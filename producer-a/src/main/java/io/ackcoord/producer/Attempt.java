package io.ackcoord.producer;

/**
 * One send of a message, as the status API shows it. Times are wall-clock epoch millis; 0 means "not yet".
 * Mutable and owned by the tracker's thread.
 */
public final class Attempt {

  private final int number;
  private final long sentAt;
  private long confirmedAt;
  private long timeoutMillis;
  private String outcome = "sending";

  Attempt(int number, long sentAt) {
    this.number = number;
    this.sentAt = sentAt;
  }

  public int number() {
    return number;
  }

  /** When A handed the record to the producer. */
  public long sentAt() {
    return sentAt;
  }

  /** When the broker confirmed the write, 0 until then. */
  public long confirmedAt() {
    return confirmedAt;
  }

  /** The reply timeout armed for this attempt, 0 until armed. */
  public long timeoutMillis() {
    return timeoutMillis;
  }

  /** What became of the attempt: sending, sent, acked, nack: reason, timed out, send failed: error, … */
  public String outcome() {
    return outcome;
  }

  void confirmed(long at, long timeout) {
    this.confirmedAt = at;
    this.timeoutMillis = timeout;
    this.outcome = "sent";
  }

  void outcome(String outcome) {
    this.outcome = outcome;
  }
}

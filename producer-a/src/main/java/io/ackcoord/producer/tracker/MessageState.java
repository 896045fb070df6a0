package io.ackcoord.producer.tracker;

/** Where a message is in A's protocol. The first three are pending; the last three are final. */
public enum MessageState {
  /** Handed to the Kafka producer; waiting for the broker to confirm the write. No reply timer yet. */
  SENDING,
  /** Durably in topic 1; the reply timer runs. */
  AWAITING_REPLY,
  /** Waiting out a backoff before the next send: after a retryable NACK, or after a send that failed. */
  WAITING_RESEND,
  /** B replied ACK. */
  ACKED,
  /** Given up on; written to the dead-letter topic with the reason. */
  DEAD_LETTERED,
  /**
   * Stopped by an operator ({@code DELETE /api/messages/{id}}): no more re-sends; written to the dead-letter topic
   * like a dead letter, with who cancelled it and why as the reason, so it stays final after a restart of A and can
   * be redriven. A reply that still comes is counted, not applied.
   */
  CANCELLED;

  /** Whether A is still responsible for the message. */
  public boolean isPending() {
    return this == SENDING || this == AWAITING_REPLY || this == WAITING_RESEND;
  }
}

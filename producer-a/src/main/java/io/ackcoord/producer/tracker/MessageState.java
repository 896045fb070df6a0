package io.ackcoord.producer.tracker;

/** Where a message is in A's protocol. The first three are pending; the last two are final. */
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
  DEAD_LETTERED;

  /** Whether A is still responsible for the message. */
  public boolean isPending() {
    return this == SENDING || this == AWAITING_REPLY || this == WAITING_RESEND;
  }
}

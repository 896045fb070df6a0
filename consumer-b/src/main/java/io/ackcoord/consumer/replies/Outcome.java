package io.ackcoord.consumer.replies;

import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.Reply;

/**
 * How the handler finished with a message id; shared by every copy of that id that arrived while it ran, so each
 * copy gets the same answer.
 */
public record Outcome(boolean success, String reason, boolean retryable) {

  public static final Outcome SUCCESS = new Outcome(true, null, false);

  public static Outcome failure(Throwable cause) {
    return new Outcome(false, Failures.reason(cause), Failures.isRetryable(cause));
  }

  /** The reply for one copy: ACK, or NACK with the reason and the retryable flag. */
  public Reply replyFor(Envelope envelope, String consumerId, long atMillis) {
    return success
        ? Reply.ack(envelope, consumerId, atMillis)
        : Reply.nack(envelope, consumerId, atMillis, reason, retryable);
  }
}

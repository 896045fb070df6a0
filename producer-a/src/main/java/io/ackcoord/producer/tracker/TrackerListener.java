package io.ackcoord.producer.tracker;

/**
 * Told by {@link MessageTracker} when a message changes in a way people watch: first send confirmed, re-send,
 * ACK, dead letter. The status page's rates and its list of recent re-sends and dead letters hang off this, so the
 * tracker stays free of any display concern.
 *
 * <p>Called synchronously on the tracker's thread, once per event: an implementation must be O(1) and must not
 * call back into the tracker.
 */
public interface TrackerListener {

  /** Attempt 1 is durably in topic 1: the message counts as sent. */
  default void sent(TrackedMessage message) {
  }

  /**
   * A new attempt starts ({@link TrackedMessage#attempt()} is already the new one).
   *
   * @param reason what became of the previous attempt: "timed out after … ms", "nack: …", "send failed: …"
   */
  default void resent(TrackedMessage message, String reason) {
  }

  /**
   * The current attempt ended: a re-send (or a send again after a failed one) is about to start, or the message
   * became final. {@link TrackedMessage#attempt()}, {@link TrackedMessage#attemptSentAt()} and
   * {@link TrackedMessage#attemptOutcome()} still describe the attempt that ended.
   */
  default void attemptEnded(TrackedMessage message) {
  }

  /** The message was ACKed; {@link TrackedMessage#latencyMillis()} is set. */
  default void acked(TrackedMessage message) {
  }

  /** The message was given up on; {@link TrackedMessage#reason()} says why. */
  default void deadLettered(TrackedMessage message) {
  }

  /** An operator cancelled the message; {@link TrackedMessage#reason()} says who and why. */
  default void cancelled(TrackedMessage message) {
  }
}

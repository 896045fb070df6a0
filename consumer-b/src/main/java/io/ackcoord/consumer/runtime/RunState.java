package io.ackcoord.consumer.runtime;

/**
 * Where a B is in its life, shared by the parts that behave differently once it stops or is fenced: the intake
 * takes no new records, a revocation does not wait, a failed restore is not retried. B's event loop only.
 */
final class RunState {

  private boolean subscribed;
  private boolean stopping;
  private boolean fenced;

  /** Subscribed to topic 1. */
  boolean subscribed() {
    return subscribed;
  }

  void subscribed(boolean value) {
    subscribed = value;
  }

  /** Stopping: nothing new starts; what runs is finished or dropped. */
  boolean stopping() {
    return stopping;
  }

  void stop() {
    stopping = true;
  }

  /** Another B runs under this B's name; this one stands down. */
  boolean fenced() {
    return fenced;
  }

  /** Marks this B fenced; {@code false} if it already was. */
  boolean fence() {
    boolean first = !fenced;
    fenced = true;
    return first;
  }

  /** Whether records are taken in: neither stopping nor fenced. */
  boolean accepting() {
    return !stopping && !fenced;
  }
}

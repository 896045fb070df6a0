package io.ackcoord.consumer;

/**
 * This B no longer owns the partition a message came from: a rebalance gave it to another B, or this B was cut off
 * from its group (frozen, partitioned) for longer than its session. B writes nothing more for the message (no
 * effect, no marker, no reply, no commit); the partition's new owner processes it. A handler that gets it from
 * {@link Effects} should let it propagate.
 */
public class OwnershipLostException extends RuntimeException {

  public OwnershipLostException(String message) {
    super(message, null, false, false);
  }

  /** Whether {@code failure} or one of its causes is an {@code OwnershipLostException}. */
  public static boolean isCause(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 20; t = t.getCause(), depth++) {
      if (t instanceof OwnershipLostException) {
        return true;
      }
    }
    return false;
  }
}

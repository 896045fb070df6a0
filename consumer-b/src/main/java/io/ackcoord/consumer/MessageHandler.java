package io.ackcoord.consumer;

import io.vertx.core.Future;

/**
 * B's processing step for one message, written in Vert.x style: every method runs on B's event loop and must not
 * block; slow work returns a Future that completes later. For code that blocks (JDBC, file I/O, a synchronous
 * client) implement {@link BlockingMessageHandler} instead.
 *
 * <p>Guarantee: B calls {@link #handle} at most once at a time per message id, and never again for an id whose
 * earlier {@code handle} succeeded while that id is still in B's dedupe record. After a crash, or for an id that
 * failed, the same message can be handled again, so {@code handle} must be idempotent (or tolerate repeats).
 *
 * <p>Outcome: a succeeded Future → ACK; a failed Future, or an exception thrown by {@code handle} itself → NACK,
 * retryable unless a {@link NonRetryableException} is in the cause chain.
 */
public interface MessageHandler {

  /** Called once before the first message; a failed Future fails B's deployment. */
  default Future<Void> init(HandlerSetup setup) {
    return Future.succeededFuture();
  }

  /** Processes one message; completes when the work is done (for good). */
  Future<Void> handle(IncomingMessage message);

  /** Called once when B stops, after running handlers finished or the shutdown timeout passed. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}

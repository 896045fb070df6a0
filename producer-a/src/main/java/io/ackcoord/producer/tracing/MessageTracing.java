package io.ackcoord.producer.tracing;

import io.ackcoord.producer.tracker.TrackerListener;
import io.ackcoord.tracing.TraceRoot;

/**
 * A's tracing hooks: the submission span, made by the {@code Coordinator}, and the spans of each attempt, the reply
 * and the dead letter, made as the tracker reports them ({@link TrackerListener}). {@link #NONE} is what A runs with
 * while tracing is off: it is not registered with the tracker, and its submission is one shared constant, so nothing
 * is allocated or looked up per message.
 */
public interface MessageTracing extends TrackerListener {

  /** Tracing off. */
  MessageTracing NONE = (id, traceparent) -> Submission.NONE;

  /**
   * A1 Accept starts: opens the submission span of message {@code id}, as a child of the caller's
   * {@code traceparent} when it names a valid one.
   */
  Submission submission(String id, String traceparent);

  /** One message's submission span, open until the caller is answered. */
  interface Submission {

    /** No span: tracing off. */
    Submission NONE = () -> null;

    /** The message's trace: every later span of it has this span as its parent; {@code null} when off. */
    TraceRoot root();

    /** The first attempt is durable in topic 1 (A2): the caller hears 202; the span ends. */
    default void accepted() {
    }

    /** Nothing was accepted: the span ends with the error. */
    default void rejected(Throwable cause) {
    }
  }
}

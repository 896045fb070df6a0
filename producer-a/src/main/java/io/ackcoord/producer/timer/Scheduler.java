package io.ackcoord.producer.timer;

/**
 * One-shot timers, behind a seam: Vert.x timers in production ({@code vertx::setTimer}), a hand-driven fake in
 * tests.
 */
public interface Scheduler {

  /** Runs {@code task} once after {@code delayMillis} (at least 1); returns an id for {@link #cancel}. */
  long schedule(long delayMillis, Runnable task);

  /** Cancels a timer that has not fired; no effect otherwise. */
  void cancel(long timerId);
}

package io.ackcoord.producer.timer;

import io.ackcoord.time.Clock;

/**
 * Keeps exactly one timer armed, for the earliest deadline of all pending messages.
 *
 * <p>Arming for a later deadline than the one armed costs nothing, which is the common case (new messages get
 * later deadlines), so the cost per message is O(1) timer work however many are pending.
 */
public final class DeadlineTimer {

  private final Scheduler scheduler;
  private final Clock clock;
  private final Runnable onDue;
  private long armedDeadline = Long.MAX_VALUE;
  private long timerId = -1;

  /** @param onDue runs when the armed deadline passes; it should handle what is due and call {@link #arm} again */
  public DeadlineTimer(Scheduler scheduler, Clock clock, Runnable onDue) {
    this.scheduler = scheduler;
    this.clock = clock;
    this.onDue = onDue;
  }

  /** Makes sure the timer fires no later than {@code deadline} (monotonic millis; MAX_VALUE = nothing due). */
  public void arm(long deadline) {
    if (deadline >= armedDeadline) {
      return;
    }
    if (timerId >= 0) {
      scheduler.cancel(timerId);
    }
    armedDeadline = deadline;
    if (deadline == Long.MAX_VALUE) {
      timerId = -1;
      return;
    }
    long delay = Math.max(1, deadline - clock.monotonicMillis());
    timerId = scheduler.schedule(delay, this::fire);
  }

  /** Cancels the armed timer, e.g. on undeploy. */
  public void cancel() {
    if (timerId >= 0) {
      scheduler.cancel(timerId);
    }
    timerId = -1;
    armedDeadline = Long.MAX_VALUE;
  }

  /** The deadline the timer is armed for, MAX_VALUE if none. */
  public long armedDeadline() {
    return armedDeadline;
  }

  private void fire() {
    timerId = -1;
    armedDeadline = Long.MAX_VALUE;
    onDue.run();
  }
}

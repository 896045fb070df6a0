/**
 * Timing: how long each attempt waits ({@code RetryPolicy}), the one Vert.x timer armed for the earliest deadline
 * ({@code DeadlineTimer} behind the {@code Scheduler} seam), and how late timers fire ({@code TimerLateness}).
 */
package io.ackcoord.producer.timer;

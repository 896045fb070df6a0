package io.ackcoord.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives a {@link Pipeline} from the calling thread: a closed loop for throughput at saturation, an open loop at a
 * fixed rate for latency. Both systems get the same driver, ids and payloads.
 */
final class LoadGenerator {

  private static final long MICROS = 1_000;
  private final Payloads payloads;

  LoadGenerator(Payloads payloads) {
    this.payloads = payloads;
  }

  /** Told when the measured part of a closed loop starts and ends (to read counters over exactly that part). */
  interface Interval {
    /** Nothing to be told. */
    Interval NONE = new Interval() {
      @Override
      public void start() {
      }

      @Override
      public void end() {
      }
    };

    /** The measured part starts now. */
    void start();

    /** The measured part ended now (not called if it never started). */
    void end();
  }

  /**
   * Keeps {@code window} messages in flight for {@code warmup + measure} and counts the completions of the measured
   * part; then waits (at most {@code drain}) for the rest so the next phase starts clean.
   */
  SaturationResult closedLoop(Pipeline pipeline, String idPrefix, int window, Duration warmup, Duration measure,
      Duration drain) {
    return closedLoop(pipeline, idPrefix, window, warmup, measure, drain, Interval.NONE);
  }

  /** {@link #closedLoop(Pipeline, String, int, Duration, Duration, Duration)}, telling {@code interval}. */
  SaturationResult closedLoop(Pipeline pipeline, String idPrefix, int window, Duration warmup, Duration measure,
      Duration drain, Interval interval) {
    Semaphore permits = new Semaphore(window);
    AtomicLong completed = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long measureFrom = System.nanoTime() + warmup.toNanos();
    long end = measureFrom + measure.toNanos();
    long n = 0;
    boolean measuring = false;
    while (true) {
      long now = System.nanoTime();
      // Checked before the end, so that a slow first turn (a busy machine) still tells the interval.
      if (!measuring && now >= measureFrom) {
        interval.start();
        measuring = true;
      }
      if (now >= end) {
        break;
      }
      if (!acquire(permits, 1, Duration.ofMillis(100))) {
        continue;
      }
      long index = n++;
      submit(pipeline, idPrefix + index, payloads.get(index), ok -> {
        long at = System.nanoTime();
        if (at >= measureFrom && at < end) {
          (ok ? completed : failed).incrementAndGet();
        }
        permits.release();
      });
    }
    interval.end();
    acquire(permits, window, drain);
    double seconds = measure.toNanos() / 1e9;
    return new SaturationResult(pipeline.name(), completed.get() / seconds, completed.get(), failed.get(), seconds);
  }

  /**
   * Submits {@code count} messages keeping {@code window} in flight, and waits (at most {@code timeout}) for all of
   * them; the rate is over the whole run.
   */
  SaturationResult fixedCount(Pipeline pipeline, String idPrefix, long count, int window, Duration timeout) {
    Semaphore permits = new Semaphore(window);
    AtomicLong completed = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    for (long n = 0; n < count; n++) {
      acquire(permits, 1, timeout);
      submit(pipeline, idPrefix + n, payloads.get(n), ok -> {
        (ok ? completed : failed).incrementAndGet();
        permits.release();
      });
    }
    acquire(permits, window, timeout);
    double seconds = (System.nanoTime() - start) / 1e9;
    return new SaturationResult(pipeline.name(), completed.get() / seconds, completed.get(), failed.get(), seconds);
  }

  /**
   * Sends at {@code rate} per second for {@code warmup + measure} on an {@link OpenLoopSchedule}; records the latency
   * of the messages intended after the warm-up, from their intended send time. Waits at most {@code drain} after
   * the last intended send; what is unfinished then is counted as incomplete, with its age as its latency. Then
   * waits up to {@code settle} more for those to finish, unrecorded, so that an overloaded phase's backlog does not
   * spill into the next phase.
   */
  LatencyResult openLoop(Pipeline pipeline, String idPrefix, double rate, Duration warmup, Duration measure,
      Duration drain, Duration settle) {
    OpenLoopSchedule schedule = OpenLoopSchedule.forDuration(System.nanoTime() + 10_000_000L, rate,
        (warmup.toNanos() + measure.toNanos()) / 1e9);
    long warmupCount = Math.round(rate * warmup.toNanos() / 1e9);
    int count = Math.toIntExact(schedule.count());
    Recorder recorder = new Recorder(3);
    AtomicIntegerArray done = new AtomicIntegerArray(count);
    AtomicLong failed = new AtomicLong();
    CountDownLatch finished = new CountDownLatch(count);
    CountDownLatch settled = new CountDownLatch(count);
    for (int i = 0; i < count; i++) {
      long intended = schedule.intendedNanos(i);
      long wait = intended - System.nanoTime();
      while (wait > 0) {
        LockSupport.parkNanos(wait);
        wait = intended - System.nanoTime();
      }
      int index = i;
      submit(pipeline, idPrefix + i, payloads.get(i), ok -> {
        long latency = System.nanoTime() - intended;
        if (done.compareAndSet(index, 0, 1)) {
          if (!ok) {
            failed.incrementAndGet();
          } else if (index >= warmupCount) {
            recorder.recordValue(Math.max(1, latency / MICROS));
          }
          finished.countDown();
        }
        settled.countDown();
      });
    }
    await(finished, drain);
    long now = System.nanoTime();
    long incomplete = 0;
    for (int i = 0; i < count; i++) {
      // Claim what is still open, so a late completion cannot record it a second time.
      if (done.compareAndSet(i, 0, 2)) {
        incomplete++;
        if (i >= warmupCount) {
          recorder.recordValue(Math.max(1, (now - schedule.intendedNanos(i)) / MICROS));
        }
      }
    }
    Histogram h = recorder.getIntervalHistogram();
    if (incomplete > 0) {
      await(settled, settle);
    }
    long completed = count - failed.get() - incomplete;
    return new LatencyResult(pipeline.name(), rate, count, completed, failed.get(), incomplete,
        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
        ms(h.getMaxValue()));
  }

  private static void submit(Pipeline pipeline, String id, byte[] payload, java.util.function.Consumer<Boolean> then) {
    try {
      pipeline.submit(id, payload).whenComplete((v, err) -> then.accept(err == null));
    } catch (RuntimeException e) {
      then.accept(false);
    }
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  private static boolean acquire(Semaphore permits, int n, Duration timeout) {
    try {
      return permits.tryAcquire(n, timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void await(CountDownLatch latch, Duration timeout) {
    try {
      latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}

package io.ackcoord.producer.timer;

import io.ackcoord.time.ManualClock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/** A {@link Scheduler} driven by a {@link ManualClock}: {@link #advance} moves time and runs what came due. */
public final class FakeScheduler implements Scheduler {

  private record Task(long at, long id, Runnable task) {
  }

  private final ManualClock clock;
  private final TreeMap<Long, Task> tasks = new TreeMap<>();
  private long nextId;

  public FakeScheduler(ManualClock clock) {
    this.clock = clock;
  }

  @Override
  public long schedule(long delayMillis, Runnable task) {
    long id = nextId++;
    tasks.put(id, new Task(clock.monotonicMillis() + Math.max(1, delayMillis), id, task));
    return id;
  }

  @Override
  public void cancel(long timerId) {
    tasks.remove(timerId);
  }

  /** Moves the clock forward in 1 ms steps' worth of order, running each task at its due time. */
  public void advance(long millis) {
    long end = clock.monotonicMillis() + millis;
    while (true) {
      Task next = tasks.values().stream().min(Comparator.comparingLong(Task::at).thenComparingLong(Task::id))
          .orElse(null);
      if (next == null || next.at() > end) {
        break;
      }
      tasks.remove(next.id());
      clock.advanceMillis(Math.max(0, next.at() - clock.monotonicMillis()));
      next.task().run();
    }
    clock.advanceMillis(end - clock.monotonicMillis());
  }

  public int armed() {
    return tasks.size();
  }

  List<Long> dueTimes() {
    List<Long> times = new ArrayList<>();
    tasks.values().forEach(t -> times.add(t.at()));
    return times;
  }
}

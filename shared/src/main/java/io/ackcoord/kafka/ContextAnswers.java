package io.ackcoord.kafka;

import io.vertx.core.Context;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Completions produced on a Kafka client's own thread, run on a Vert.x context: those that arrive together go as
 * one context task, not one each (at tens of thousands a second the task hops, not Kafka, were the cost).
 */
public final class ContextAnswers {

  private final Context context;
  private final Queue<Runnable> answers = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  public ContextAnswers(Context context) {
    this.context = context;
  }

  /** Runs {@code completion} on the context, with the others added before that task runs. Any thread. */
  public void add(Runnable completion) {
    answers.add(completion);
    if (scheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        scheduled.set(false);
        for (Runnable r = answers.poll(); r != null; r = answers.poll()) {
          r.run();
        }
      });
    }
  }
}

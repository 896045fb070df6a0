package io.ackcoord.consumer.runtime;

import io.ackcoord.time.Deadline;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What B's start-up opened, in order, so that it is closed in reverse order within one {@link Deadline}: each step
 * even if an earlier one failed, and a step still waiting when the deadline passes is left behind (it ends with the
 * process) rather than holding up the stop. Used both when B stops and when a start-up step fails. B's event loop
 * only.
 */
final class Closers {

  /** Closes one named part, bounded by the deadline of the close in progress; never fails. */
  interface Step {
    Future<Void> close(String what, Supplier<Future<Void>> close);

    /** The deadline of the close in progress, for a client that takes its own close timeout. */
    Deadline deadline();
  }

  private static final Logger LOG = LoggerFactory.getLogger(Closers.class);

  private final Context context;
  private final List<Function<Step, Future<Void>>> opened = new ArrayList<>();

  Closers(Context context) {
    this.context = context;
  }

  /** Something opened that closes in one step. */
  void add(String what, Supplier<Future<Void>> close) {
    opened.add(step -> step.close(what, close));
  }

  /** Something opened that closes in several named steps of its own. */
  void add(Function<Step, Future<Void>> close) {
    opened.add(close);
  }

  /** Closes everything added, last first, all by {@code deadline}; never fails. */
  Future<Void> closeAll(Deadline deadline) {
    Step step = new Step() {
      @Override
      public Future<Void> close(String what, Supplier<Future<Void>> close) {
        Future<Void> closing;
        try {
          closing = close.get();
        } catch (RuntimeException e) {
          closing = Future.failedFuture(e);
        }
        return bounded("closing the " + what, closing, deadline);
      }

      @Override
      public Deadline deadline() {
        return deadline;
      }
    };
    Future<Void> done = Future.succeededFuture();
    for (int i = opened.size() - 1; i >= 0; i--) {
      Function<Step, Future<Void>> close = opened.get(i);
      done = done.compose(v -> close.apply(step));
    }
    return done;
  }

  /** Waits for {@code operation} until {@code deadline}; its failure, or the deadline passing first, is only logged. */
  Future<Void> bounded(String what, Future<Void> operation, Deadline deadline) {
    return deadline.await(context, operation, err -> LOG.warn("{} failed: {}",
        what.substring(0, 1).toUpperCase(Locale.ROOT) + what.substring(1),
        err instanceof TimeoutException ? "not done by the stop deadline" : err.toString()));
  }
}

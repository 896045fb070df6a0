package io.ackcoord.time;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A point in monotonic time by which a sequence of steps must be done, such as a stop: each step waits at most for
 * what is left, and a step not done by then is left behind. A and B bound their stops with it, so a broker that does
 * not answer cannot hold them for Kafka's own timeouts.
 */
public final class Deadline {

  private final Clock clock;
  private final long atMillis;

  private Deadline(Clock clock, long atMillis) {
    this.clock = clock;
    this.atMillis = atMillis;
  }

  /** The deadline {@code millis} from now. */
  public static Deadline in(Clock clock, long millis) {
    return new Deadline(clock, clock.monotonicMillis() + millis);
  }

  /** Milliseconds left, at least 1: a Kafka client reads a close timeout of 0 differently from "no time left". */
  public long leftMillis() {
    return Math.max(1, atMillis - clock.monotonicMillis());
  }

  /**
   * Waits for {@code operation} until the deadline at most. Never fails: a failure, or the deadline passing first,
   * goes to {@code onFailure}. Completes on {@code context}, whichever thread answered (a timer, a client's own).
   */
  public Future<Void> await(Context context, Future<?> operation, Consumer<Throwable> onFailure) {
    Promise<Void> done = Promise.promise();
    operation.timeout(leftMillis(), TimeUnit.MILLISECONDS).onComplete(ar -> {
      if (ar.failed()) {
        onFailure.accept(ar.cause());
      }
      context.runOnContext(v -> done.complete());
    });
    return done.future();
  }
}

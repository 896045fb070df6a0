package io.ackcoord.consumer;

import io.vertx.core.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Runs test code on a Vert.x context, as B's event loop would, and hands back its result. */
public final class OnContext {

  private OnContext() {
  }

  /** Calls {@code action} on {@code context} and returns what it returned (or fails with what it threw). */
  public static <T> T call(Context context, Supplier<T> action) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(action.get());
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    try {
      return result.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}

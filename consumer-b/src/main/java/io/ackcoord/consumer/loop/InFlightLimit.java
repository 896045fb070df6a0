package io.ackcoord.consumer.loop;

/**
 * Backpressure with hysteresis: pause fetching when {@code max} records are unfinished, resume once fewer than
 * half are, so B does not flap between the two around the limit. Pure; the verticle applies the decisions.
 */
public final class InFlightLimit {

  /** What to do after the in-flight count changed. */
  public enum Decision { PAUSE, RESUME, NONE }

  private final int max;
  private boolean paused;

  /** @param max unfinished records at which to pause, at least 1 */
  public InFlightLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1, was " + max);
    }
    this.max = max;
  }

  /** The decision for the new count; each PAUSE is followed by exactly one RESUME before the next PAUSE. */
  public Decision update(long inFlight) {
    if (!paused && inFlight >= max) {
      paused = true;
      return Decision.PAUSE;
    }
    if (paused && inFlight * 2 < max) {
      paused = false;
      return Decision.RESUME;
    }
    return Decision.NONE;
  }

  /** Whether fetching should be paused now. */
  public boolean paused() {
    return paused;
  }
}

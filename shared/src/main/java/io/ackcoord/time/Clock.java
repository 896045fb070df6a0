package io.ackcoord.time;

/**
 * The two kinds of time ackcoord reads, behind one seam so that timing logic can be tested without sleeping.
 *
 * <p>Deadlines are computed on {@link #monotonicMillis()}, which never jumps when the wall clock is set, so an NTP
 * correction can neither fire a timer early nor starve it. {@link #wallMillis()} is only for timestamps a human or
 * another process reads (record headers, the status page).
 */
public interface Clock {

  /** The clock of the running JVM. */
  Clock SYSTEM = new Clock() {
    @Override
    public long monotonicMillis() {
      return System.nanoTime() / 1_000_000L;
    }

    @Override
    public long wallMillis() {
      return System.currentTimeMillis();
    }
  };

  /** Milliseconds from an arbitrary origin; only differences between two readings mean anything. */
  long monotonicMillis();

  /** Milliseconds since the Unix epoch. */
  long wallMillis();
}

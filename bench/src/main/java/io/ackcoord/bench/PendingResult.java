package io.ackcoord.bench;

/**
 * What the pending-capacity scenario measured: A in a JVM of its own with a fixed heap, B frozen, then B back.
 *
 * @param payloadBytes     size of every payload submitted
 * @param submitted        messages submitted over HTTP
 * @param accepted         of them, answered 202
 * @param submitRate       accepted per second of submitting (B frozen: A's submit path alone; the status reads
 *                         between steps not counted)
 * @param maxHeapBytes     A's {@code -Xmx}
 * @param heapIdleBytes    A's used heap after a full GC before the submissions
 * @param heapPendingBytes A's used heap after a full GC with {@code pending} messages pending (if A failed, the last
 *                         reading before the failure, taken without a GC)
 * @param pending          A's pending count at that moment
 * @param ackTimeoutMs     A's {@code ack.timeout.ms} in this scenario
 * @param shortCount       messages submitted first with a short timeout of their own
 * @param shortTimeoutMs   that timeout
 * @param resends          re-sends A made (timers that fired while B was frozen, and any after)
 * @param resendsFrozen    of them, those made before B was continued: the rest came during the drain
 * @param deadLettered     messages A dead-lettered
 * @param failure          what happened to A if it did not stay up (out of heap, not answering), else {@code null}
 * @param drainSeconds     from B's resume until A's pending count was 0; negative if it never got there
 * @param timers           A's {@code timers} status object read before the scenario's one forced full GC, or
 *                         {@code null} when this build does not report it
 */
public record PendingResult(int payloadBytes, long submitted, long accepted, double submitRate, long maxHeapBytes,
    long heapIdleBytes, long heapPendingBytes, long pending, long ackTimeoutMs, long shortCount, long shortTimeoutMs,
    long resends, long resendsFrozen, long deadLettered, String failure, double drainSeconds, Timers timers) {

  /** Whether A's process stayed alive and answered every status request. */
  public boolean stayedUp() {
    return failure == null;
  }

  /** Heap per pending message: the growth of the used heap after a full GC, divided by the pending count. */
  public double bytesPerPending() {
    return pending == 0 ? 0 : (heapPendingBytes - heapIdleBytes) / (double) pending;
  }

  /** Re-sends after B was continued. */
  public long resendsDuringDrain() {
    return resends - resendsFrozen;
  }

  /**
   * How late A's deadlines fired, as A reports them.
   *
   * @param fired         deadlines that fired
   * @param lateP99Ms     99th percentile of lateness, ms
   * @param lateMaxMs     largest lateness, ms
   * @param lateOver100Ms deadlines that fired more than 100 ms late
   */
  public record Timers(long fired, double lateP99Ms, double lateMaxMs, long lateOver100Ms) {
  }
}

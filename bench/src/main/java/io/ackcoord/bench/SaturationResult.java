package io.ackcoord.bench;

/**
 * Throughput of one system in a closed loop (a bounded number of messages in flight, the next sent when one
 * completes), counted after the warm-up.
 *
 * @param system    the system's name
 * @param perSecond completed messages per second in the measured interval
 * @param completed messages completed in the measured interval
 * @param failed    messages that failed in the measured interval
 * @param seconds   length of the measured interval
 */
public record SaturationResult(String system, double perSecond, long completed, long failed, double seconds) {
}

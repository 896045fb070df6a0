package io.ackcoord.producer.tracker;

/**
 * One send of a message, as the status API shows it: a snapshot taken when asked (or when the next attempt
 * started). Times are wall-clock epoch millis; 0 means "not yet".
 *
 * @param number       1-based attempt number
 * @param sentAt       when A handed the record to the producer
 * @param confirmedAt  when the broker confirmed the write, 0 until then
 * @param timeoutMillis the reply timeout armed for the attempt, 0 until armed
 * @param outcome      what became of the attempt: sending, sent, acked, nack: reason, timed out, send failed: error, …
 */
public record Attempt(int number, long sentAt, long confirmedAt, long timeoutMillis, String outcome) {
}

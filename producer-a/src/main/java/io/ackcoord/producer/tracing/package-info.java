/**
 * A's tracing hooks (docs/decisions/015): {@link io.ackcoord.producer.tracing.MessageTracing} (the seam, with
 * {@code NONE} for tracing off) and {@link io.ackcoord.producer.tracing.SpanTracing} (the spans of a message's
 * submission, attempts, reply and dead letter, all in one trace).
 */
package io.ackcoord.producer.tracing;

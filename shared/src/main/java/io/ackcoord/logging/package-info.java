/**
 * What A's and B's logs are made of beyond SLF4J: the opt-in JSON format ({@link io.ackcoord.logging.LogEncoder},
 * {@code ACKCOORD_LOG_FORMAT=json}), the one-line throwable both formats use instead of a stack trace
 * ({@link io.ackcoord.logging.ThrowableSummary}), and the fields of a line about one message
 * ({@link io.ackcoord.logging.MessageFields}).
 */
package io.ackcoord.logging;

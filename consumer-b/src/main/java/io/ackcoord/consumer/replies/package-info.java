/**
 * What B answers and how it gets onto topic 2 outside transactions: a record's Outcome (ACK, NACK and why), and
 * the ReplySender that batches replies and markers (Coalescer, Chunks) and retries them until durable.
 */
package io.ackcoord.consumer.replies;

/**
 * What B answers and how it gets onto topic 2 outside transactions: a record's Outcome (ACK, NACK and why), and
 * the ReplySender that batches replies and processed-id markers (Coalescer, Chunks, MarkerKeys) and retries them
 * until durable.
 */
package io.ackcoord.consumer.replies;

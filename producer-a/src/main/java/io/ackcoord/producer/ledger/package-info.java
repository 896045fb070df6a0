/**
 * A's ledger: what A must remember across a restart (pending messages, their attempts and deadlines), written in
 * batches to a compacted topic and read back on start-up (A7).
 */
package io.ackcoord.producer.ledger;

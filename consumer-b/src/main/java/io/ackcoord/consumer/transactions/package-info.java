/**
 * Exactly-once B6/B7: staged records batched into one Kafka transaction with their markers, replies and offsets,
 * through the transactional producer's one door.
 */
package io.ackcoord.consumer.transactions;

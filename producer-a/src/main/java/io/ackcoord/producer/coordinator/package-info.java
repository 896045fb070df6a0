/**
 * The protocol, steps A1 Accept to A7 Restart: the {@code Coordinator} turns the tracker's decisions into sends,
 * ledger writes and replies to callers; {@code HeapGuard} is its admission check on memory.
 */
package io.ackcoord.producer.coordinator;

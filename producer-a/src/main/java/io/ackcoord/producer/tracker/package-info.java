/**
 * The pending-message registry: every message A holds, its state, attempts and deadline, in plain Java on an
 * injected clock, unit-tested without a broker. {@code DeadlineQueue} lives here rather than in {@code timer}
 * because it is an index over the messages' own heap slots.
 */
package io.ackcoord.producer.tracker;

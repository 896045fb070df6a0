/**
 * How B makes its Kafka clients (through shared's ClientConfig, so the guarantees' settings win) and how a failed
 * Kafka call is retried (Backoff).
 */
package io.ackcoord.consumer.kafka;

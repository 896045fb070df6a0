/**
 * A's Kafka traffic apart from the ledger: envelopes to topic 1, dead letters and poison records out
 * ({@code KafkaOutbound}), B's replies in from topic 2 ({@code ReplyListener}).
 */
package io.ackcoord.producer.kafka;

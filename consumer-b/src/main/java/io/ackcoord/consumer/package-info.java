/**
 * Consumer B and its public API: the verticle ({@link io.ackcoord.consumer.ConsumerVerticle}), its options, and the
 * handler SPI a user implements ({@link io.ackcoord.consumer.MessageHandler},
 * {@link io.ackcoord.consumer.BlockingMessageHandler}, {@link io.ackcoord.consumer.IncomingMessage},
 * {@link io.ackcoord.consumer.Effects}, {@link io.ackcoord.consumer.DedupeStore}, the exceptions). Only this package
 * and {@code consumer.handler} are API: every subpackage is B's implementation (like vertx-kafka-client's
 * {@code impl}), public only so that B's packages can reach each other, and may change without notice.
 */
package io.ackcoord.consumer;

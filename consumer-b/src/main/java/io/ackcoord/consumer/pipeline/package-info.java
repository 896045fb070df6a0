/**
 * B3 Parse to B6 Settle for one record: MessagePipeline parses, dedupes, runs the handler and hands the outcome to
 * the guarantee; the Delivery a handler sees, and loading and adapting the user's handler.
 */
package io.ackcoord.consumer.pipeline;

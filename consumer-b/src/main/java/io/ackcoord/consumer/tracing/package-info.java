/**
 * B's tracing hook (docs/decisions/015): {@link io.ackcoord.consumer.tracing.TracedHandler} wraps the handler with
 * tracing on, so B's processing of a message joins the message's one trace and the handler's spans nest inside it.
 */
package io.ackcoord.consumer.tracing;

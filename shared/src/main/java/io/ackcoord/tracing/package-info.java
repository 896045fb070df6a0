/**
 * Tracing shared by A and B (issue 16, docs/decisions/015): {@link io.ackcoord.tracing.Tracing} (off by default, the
 * OpenTelemetry SDK configured from {@code OTEL_*} when on), {@link io.ackcoord.tracing.TracingSettings} (its config
 * keys), {@link io.ackcoord.tracing.TraceRoot} (a message's trace context: kept by A, carried as {@code traceparent}
 * on topic 1) and {@link io.ackcoord.tracing.MessagingAttributes}.
 */
package io.ackcoord.tracing;

package io.ackcoord.tracing;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** A message's {@link TraceRoot} as the W3C {@code traceparent} header of its Kafka records. */
public final class TraceHeaders {

  private TraceHeaders() {
  }

  /** Adds {@code trace} as {@code traceparent}, replacing one already there; nothing for {@code null}. */
  public static void put(Headers headers, TraceRoot trace) {
    if (trace != null) {
      headers.remove(TraceRoot.HEADER);
      headers.add(TraceRoot.HEADER, trace.traceparent());
    }
  }

  /** The trace a record's {@code traceparent} names, or {@code null} when it has none (or an invalid one). */
  public static TraceRoot of(ConsumerRecord<?, ?> record) {
    Header h = record.headers().lastHeader(TraceRoot.HEADER);
    return h == null ? null : TraceRoot.parse(h.value());
  }
}

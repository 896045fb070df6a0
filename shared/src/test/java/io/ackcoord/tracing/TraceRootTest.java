package io.ackcoord.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TraceRootTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";
  private static final String HEADER = "00-" + TRACE + "-" + SPAN + "-01";

  private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  @Test
  @DisplayName("a traceparent read and written again is the same text")
  void roundTrip() {
    TraceRoot root = TraceRoot.parse(HEADER);
    assertThat(root).isNotNull();
    assertThat(root.traceId()).isEqualTo(TRACE);
    assertThat(root.spanIdHex()).isEqualTo(SPAN);
    assertThat(root.sampled()).isTrue();
    assertThat(new String(root.traceparent(), StandardCharsets.US_ASCII)).isEqualTo(HEADER);
  }

  @Test
  @DisplayName("ids with the top bit set survive (unsigned hex)")
  void highBits() {
    String header = "00-ffffffffffffffff8000000000000001-fedcba9876543210-00";
    TraceRoot root = TraceRoot.parse(header);
    assertThat(root.traceIdHigh()).isEqualTo(-1L);
    assertThat(root.sampled()).isFalse();
    assertThat(root.toString()).isEqualTo(header);
  }

  @Test
  @DisplayName("what OpenTelemetry's W3C propagator writes we read, and what we write it reads")
  void interoperates() {
    SpanContext ctx = SpanContext.create(TRACE, SPAN, TraceFlags.getSampled(), TraceState.getDefault());
    Map<String, String> carrier = new HashMap<>();
    W3CTraceContextPropagator.getInstance().inject(Context.root().with(Span.wrap(ctx)), carrier, Map::put);
    TraceRoot root = TraceRoot.parse(carrier.get(TraceRoot.HEADER));
    assertThat(root).isEqualTo(TraceRoot.of(ctx));

    Map<String, String> ours = Map.of(TraceRoot.HEADER, root.toString());
    SpanContext read = Span.fromContext(W3CTraceContextPropagator.getInstance().extract(Context.root(), ours, MAP))
        .getSpanContext();
    assertThat(read.getTraceId()).isEqualTo(TRACE);
    assertThat(read.getSpanId()).isEqualTo(SPAN);
    assertThat(root.spanContext().isRemote()).isTrue();
    assertThat(root.spanContext().getTraceId()).isEqualTo(TRACE);
  }

  @Test
  @DisplayName("invalid values are ignored, as W3C tells a receiver to")
  void invalid() {
    assertThat(TraceRoot.parse((String) null)).isNull();
    assertThat(TraceRoot.parse("")).isNull();
    assertThat(TraceRoot.parse("00-" + TRACE + "-" + SPAN)).isNull();
    assertThat(TraceRoot.parse("00-" + TRACE.toUpperCase() + "-" + SPAN + "-01")).isNull();
    assertThat(TraceRoot.parse("00-00000000000000000000000000000000-" + SPAN + "-01")).isNull();
    assertThat(TraceRoot.parse("00-" + TRACE + "-0000000000000000-01")).isNull();
    assertThat(TraceRoot.parse("ff-" + TRACE + "-" + SPAN + "-01")).isNull();
    assertThat(TraceRoot.parse(HEADER + "-extra")).as("version 00 has no more fields").isNull();
    assertThat(TraceRoot.parse("00-" + TRACE + "-" + SPAN + "-0g")).isNull();
    assertThat(TraceRoot.of(SpanContext.getInvalid())).isNull();
  }

  @Test
  @DisplayName("a later version's known fields are read, the rest ignored")
  void laterVersion() {
    assertThat(TraceRoot.parse("01-" + TRACE + "-" + SPAN + "-01-whatever").traceId()).isEqualTo(TRACE);
  }
}

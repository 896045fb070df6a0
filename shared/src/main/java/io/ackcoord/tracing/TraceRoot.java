package io.ackcoord.tracing;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.nio.charset.StandardCharsets;

/**
 * The span every span of one message hangs off: its submission span's trace id and span id, and the trace flags
 * (sampled or not). A keeps it with the message and in its checkpoints, and writes it as the W3C {@code traceparent}
 * header of every record of the message in topic 1, so each attempt, B's processing, the reply and the dead letter
 * join one trace, whichever A or B handles them and across restarts (docs/decisions/015).
 *
 * <p>Three longs and a byte instead of an OpenTelemetry {@link SpanContext}, which holds its ids as hex strings:
 * a million pending messages cost 40 MB less.
 *
 * @param traceIdHigh the first 8 bytes of the trace id
 * @param traceIdLow  the last 8 bytes of the trace id
 * @param spanId      the submission span's id
 * @param flags       the W3C trace flags (bit 0: sampled)
 */
public record TraceRoot(long traceIdHigh, long traceIdLow, long spanId, byte flags) {

  /** The W3C header A writes on every record of a message and B reads. */
  public static final String HEADER = "traceparent";
  /** The bytes {@link #traceparent()} takes: {@code 00-<32 hex>-<16 hex>-<2 hex>}. */
  static final int TRACEPARENT_LENGTH = 55;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  public TraceRoot {
    if ((traceIdHigh == 0 && traceIdLow == 0) || spanId == 0) {
      throw new IllegalArgumentException("a trace id and a span id of all zeros are invalid (W3C trace context)");
    }
  }

  /** {@code context} as a root, or {@code null} when it is not valid (no span, or the no-op tracer's). */
  public static TraceRoot of(SpanContext context) {
    if (context == null || !context.isValid()) {
      return null;
    }
    String trace = context.getTraceId();
    return new TraceRoot(Long.parseUnsignedLong(trace, 0, 16, 16), Long.parseUnsignedLong(trace, 16, 32, 16),
        Long.parseUnsignedLong(context.getSpanId(), 16), context.getTraceFlags().asByte());
  }

  /** The remote span context to parent spans on (no trace state: A keeps none). */
  public SpanContext spanContext() {
    return SpanContext.createFromRemoteParent(traceId(), spanIdHex(), TraceFlags.fromByte(flags),
        TraceState.getDefault());
  }

  /** Whether the trace is sampled: only then do spans below it get recorded. */
  public boolean sampled() {
    return (flags & 1) != 0;
  }

  /** The trace id as 32 lower-case hex digits, as trace UIs show and search it. */
  public String traceId() {
    byte[] out = new byte[32];
    hex(traceIdHigh, out, 0);
    hex(traceIdLow, out, 16);
    return new String(out, StandardCharsets.US_ASCII);
  }

  /** The submission span's id as 16 lower-case hex digits. */
  public String spanIdHex() {
    byte[] out = new byte[16];
    hex(spanId, out, 0);
    return new String(out, StandardCharsets.US_ASCII);
  }

  /** The W3C {@code traceparent} value (version 00) naming this root as the parent, as ASCII bytes. */
  public byte[] traceparent() {
    byte[] out = new byte[TRACEPARENT_LENGTH];
    out[0] = '0';
    out[1] = '0';
    out[2] = '-';
    hex(traceIdHigh, out, 3);
    hex(traceIdLow, out, 19);
    out[35] = '-';
    hex(spanId, out, 36);
    out[52] = '-';
    out[53] = HEX[(flags >> 4) & 0xF];
    out[54] = HEX[flags & 0xF];
    return out;
  }

  /**
   * Reads a {@code traceparent} value: version 00 exactly, or a later version's first 55 characters (W3C: parse what
   * version 00 defines, ignore the rest). {@code null} when absent or invalid, as a receiver must treat it.
   */
  public static TraceRoot parse(byte[] value) {
    if (value == null || value.length < TRACEPARENT_LENGTH || value[2] != '-' || value[35] != '-'
        || value[52] != '-') {
      return null;
    }
    int version = hexByte(value, 0);
    if (version < 0 || version == 0xFF || (version == 0 && value.length != TRACEPARENT_LENGTH)
        || (version > 0 && value.length > TRACEPARENT_LENGTH && value[TRACEPARENT_LENGTH] != '-')) {
      return null;
    }
    long high = hexLong(value, 3);
    long low = hexLong(value, 19);
    long span = hexLong(value, 36);
    int flags = hexByte(value, 53);
    if (high == -1 && !hexOk(value, 3, 16) || low == -1 && !hexOk(value, 19, 16)
        || span == -1 && !hexOk(value, 36, 16) || flags < 0 || (high == 0 && low == 0) || span == 0) {
      return null;
    }
    return new TraceRoot(high, low, span, (byte) flags);
  }

  /** {@link #parse(byte[])} of a string, such as an HTTP header; {@code null} when absent or invalid. */
  public static TraceRoot parse(String value) {
    return value == null ? null : parse(value.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public String toString() {
    return new String(traceparent(), StandardCharsets.US_ASCII);
  }

  private static void hex(long v, byte[] out, int at) {
    for (int i = 15; i >= 0; i--) {
      out[at + i] = HEX[(int) (v & 0xF)];
      v >>>= 4;
    }
  }

  // -1 when a digit is not lower-case hex; an all-ones value is told apart by hexOk.
  private static long hexLong(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 16; i++) {
      int d = digit(b[at + i]);
      if (d < 0) {
        return -1;
      }
      v = v << 4 | d;
    }
    return v;
  }

  private static boolean hexOk(byte[] b, int at, int n) {
    for (int i = 0; i < n; i++) {
      if (digit(b[at + i]) < 0) {
        return false;
      }
    }
    return true;
  }

  private static int hexByte(byte[] b, int at) {
    int hi = digit(b[at]);
    int lo = digit(b[at + 1]);
    return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
  }

  // W3C: lower-case hex only.
  private static int digit(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }
}

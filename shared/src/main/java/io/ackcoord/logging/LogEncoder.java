package io.ackcoord.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * The encoder of A's and B's console log, in the format its {@code format} property names ({@code conf/logback.xml}
 * sets it from {@code ACKCOORD_LOG_FORMAT}): {@code plain}, the default, is the {@code pattern} property's layout;
 * {@code json} is one JSON object per event and line, flat so that a log pipeline indexes each field without a
 * mapping: {@code @timestamp} (ISO-8601, UTC), {@code level}, {@code logger}, {@code thread},
 * {@code message}, {@code error} (the one-line {@link ThrowableSummary}; never a stack trace), then the event's
 * key-value pairs and MDC entries as fields of their own ({@link MessageFields}: {@code messageId},
 * {@code attempt}, {@code producer}, {@code consumer}; {@code traceId} with tracing on).
 *
 * <p>Our own encoder rather than logback's {@code JsonEncoder}, which nests the MDC and the key-value pairs and
 * writes a throwable with its frames, or not at all; logstash-logback-encoder would add a dependency for the same
 * few fields.
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {

  /** The value of {@code format} for JSON lines. */
  public static final String JSON = "json";
  /** The value of {@code format} for the pattern's lines. */
  public static final String PLAIN = "plain";

  /** Field names the event's own data uses; a key-value pair or MDC entry of the same name is not written. */
  private static final Set<String> RESERVED = Set.of("@timestamp", "level", "logger", "thread", "message", "error");
  private static final byte[] NOTHING = new byte[0];

  private String format = PLAIN;
  private String pattern = "%msg%n";
  private PatternLayout layout;

  /** {@value #PLAIN} or {@value #JSON}; anything else fails the logging configuration's start. */
  public void setFormat(String format) {
    this.format = format;
  }

  /** The layout of the plain format, as logback's {@code PatternLayout} reads it. */
  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  @Override
  public void start() {
    if (PLAIN.equals(format)) {
      layout = new PatternLayout();
      layout.setContext(getContext());
      layout.setPattern(pattern);
      layout.start();
    } else if (!JSON.equals(format)) {
      addError("log format must be " + PLAIN + " or " + JSON + ", not '" + format + "'");
      return;
    }
    super.start();
  }

  @Override
  public void stop() {
    if (layout != null) {
      layout.stop();
    }
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    if (layout != null) {
      return layout.doLayout(event).getBytes(StandardCharsets.UTF_8);
    }
    JsonObject json = new JsonObject()
        .put("@timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString())
        .put("level", event.getLevel().toString())
        .put("logger", event.getLoggerName())
        .put("thread", event.getThreadName())
        .put("message", event.getFormattedMessage());
    String error = ThrowableSummary.of(event.getThrowableProxy());
    if (error != null) {
      json.put("error", error);
    }
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        field(json, pair.key, pair.value);
      }
    }
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null) {
      mdc.forEach((key, value) -> field(json, key, value));
    }
    return (json.encode() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return NOTHING;
  }

  private static void field(JsonObject json, String key, Object value) {
    if (key == null || RESERVED.contains(key) || json.containsKey(key)) {
      return;
    }
    json.put(key, value instanceof Number || value instanceof Boolean ? value : String.valueOf(value));
  }
}

package io.ackcoord.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class LogEncoderTest {

  private final LoggerContext context = new LoggerContext();
  private final Logger logger = context.getLogger("io.ackcoord.test");

  @Test
  @DisplayName("json: one flat object per line, the message's fields and the error's one line, no frames")
  void json() {
    LogEncoder encoder = encoder(LogEncoder.JSON, null);
    IllegalStateException error = new IllegalStateException("send failed", new RuntimeException("broker\ngone"));
    LoggingEvent event = new LoggingEvent("x", logger, Level.WARN, "Re-send of {} failed", error,
        new Object[] {"m-1"});
    event.addKeyValuePair(new KeyValuePair(MessageFields.MESSAGE_ID, "m-1"));
    event.addKeyValuePair(new KeyValuePair(MessageFields.ATTEMPT, 2));
    event.addKeyValuePair(new KeyValuePair("level", "forged"));
    event.setMDCPropertyMap(Map.of(MessageFields.TRACE_ID, "t-1"));

    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

    assertThat(line).endsWith("\n").doesNotContain("\tat ").hasLineCount(1);
    JsonObject json = new JsonObject(line);
    assertThat(json.getString("level")).as("a pair cannot replace an event field").isEqualTo("WARN");
    assertThat(json.getString("logger")).isEqualTo("io.ackcoord.test");
    assertThat(json.getString("message")).isEqualTo("Re-send of m-1 failed");
    assertThat(json.getString("messageId")).isEqualTo("m-1");
    assertThat(json.getInteger("attempt")).isEqualTo(2);
    assertThat(json.getString("traceId")).isEqualTo("t-1");
    assertThat(json.getString("@timestamp")).endsWith("Z");
    assertThat(json.getString("error")).isEqualTo("java.lang.IllegalStateException: send failed; caused by "
        + "java.lang.RuntimeException: broker\uFFFDgone");
  }

  @Test
  @DisplayName("plain: the pattern, with %exsummary in place of a stack trace")
  void plain() {
    context.putObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY,
        new java.util.HashMap<>(Map.of("exsummary", ThrowableSummary.class.getName())));
    LogEncoder encoder = encoder(LogEncoder.PLAIN, "%-5level %msg%exsummary%n%nopex");
    LoggingEvent event = new LoggingEvent("x", logger, Level.ERROR, "boom", new IllegalArgumentException("bad"),
        null);

    assertThat(new String(encoder.encode(event), StandardCharsets.UTF_8))
        .isEqualTo("ERROR boom [java.lang.IllegalArgumentException: bad]" + System.lineSeparator());
  }

  @Test
  @DisplayName("a format other than plain or json does not start")
  void unknownFormat() {
    LogEncoder encoder = new LogEncoder();
    encoder.setContext(context);
    encoder.setFormat("xml");
    encoder.start();
    assertThat(encoder.isStarted()).isFalse();
  }

  private LogEncoder encoder(String format, String pattern) {
    LogEncoder encoder = new LogEncoder();
    encoder.setContext(context);
    encoder.setFormat(format);
    if (pattern != null) {
      encoder.setPattern(pattern);
    }
    encoder.start();
    assertThat(encoder.isStarted()).isTrue();
    return encoder;
  }
}

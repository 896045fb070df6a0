package io.ackcoord.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.config.ConfigDef;
import io.ackcoord.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.Assertions;

class TracingTest {

  @Test
  @DisplayName("off unless an OTLP endpoint is configured, and OTEL_SDK_DISABLED wins")
  void onlyWithAnEndpoint() {
    assertThat(Tracing.open(TracingSettings.OFF, "ackcoord-a", Map.of())).isSameAs(Tracing.OFF);
    assertThat(Tracing.OFF.enabled()).isFalse();
    assertThat(Tracing.wanted(TracingSettings.OFF, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"))).isTrue();
    assertThat(Tracing.wanted(new TracingSettings("http://c:4318", ""), Map.of())).isTrue();
    assertThat(Tracing.wanted(new TracingSettings("http://c:4318", ""), Map.of("OTEL_SDK_DISABLED", "true")))
        .isFalse();
  }

  @Test
  @DisplayName("on, it builds an SDK that makes sampled spans, and closes it")
  void builds() {
    Tracing on = Tracing.open(new TracingSettings("http://127.0.0.1:1", ""), "ackcoord-a", Map.of());
    try {
      assertThat(on.enabled()).isTrue();
      assertThat(on.tracer().spanBuilder("x").startSpan().getSpanContext().isValid()).isTrue();
    } finally {
      on.close();
    }
  }

  @Test
  @DisplayName("the UI link needs http(s) and {traceId}; the endpoint needs http(s)")
  void validated() {
    ConfigDef def = TracingSettings.define(new ConfigDef(), true);
    TracingSettings s = TracingSettings.from(def.parse(new JsonObject()
        .put(TracingSettings.UI_URL, "https://jaeger.example/trace/{traceId}")), true);
    assertThat(s.uiLink("abc")).isEqualTo("https://jaeger.example/trace/abc");
    assertThat(TracingSettings.OFF.uiLink("abc")).isNull();
    Assertions.assertThatThrownBy(() -> def.parse(new JsonObject().put(TracingSettings.UI_URL,
        "javascript:alert(1)//{traceId}"))).isInstanceOf(ConfigException.class).hasMessageContaining("tracing.ui.url");
    Assertions.assertThatThrownBy(() -> def.parse(new JsonObject().put(TracingSettings.UI_URL,
        "https://jaeger.example/trace/"))).isInstanceOf(ConfigException.class);
    Assertions.assertThatThrownBy(() -> def.parse(new JsonObject().put(TracingSettings.OTLP_ENDPOINT,
        "collector:4318"))).isInstanceOf(ConfigException.class);
  }
}

package io.ackcoord.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.config.ConfigDef;
import io.ackcoord.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

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
  @DisplayName("on, it builds an SDK that makes sampled spans; closing it is bounded even with no collector")
  void builds() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Tracing on = Tracing.open(new TracingSettings("http://127.0.0.1:1", ""), "ackcoord-a", Map.of());
      assertThat(on.enabled()).isTrue();
      on.tracer().spanBuilder("x").startSpan().end();
      assertThat(on.tracer().spanBuilder("y").startSpan().getSpanContext().isSampled()).isTrue();
      // The span cannot be exported (nothing listens): the close gives up after its bound.
      on.close(vertx, 200).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } finally {
      vertx.close();
    }
  }

  @Test
  @DisplayName("spans are exported over OTLP/HTTP as protobuf, as service OTEL_SERVICE_NAME or the default name")
  void exportsOtlpHttp() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      CompletableFuture<String> received = new CompletableFuture<>();
      HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
        received.complete(req.method() + " " + req.path() + " " + req.getHeader("Content-Type") + " "
            + body.toString(StandardCharsets.ISO_8859_1).contains("ackcoord-b"));
        req.response().putHeader("Content-Type", "application/x-protobuf").end();
      })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      Tracing on = Tracing.open(new TracingSettings("http://127.0.0.1:" + server.actualPort(), ""), "ackcoord-b",
          Map.of());
      on.tracer().spanBuilder("x").startSpan().end();
      on.close(vertx).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(received.get(5, TimeUnit.SECONDS)).isEqualTo("POST /v1/traces application/x-protobuf true");
    } finally {
      vertx.close();
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

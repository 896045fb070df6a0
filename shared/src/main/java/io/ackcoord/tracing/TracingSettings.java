package io.ackcoord.tracing;

import io.ackcoord.config.Config;
import io.ackcoord.config.ConfigDef;
import io.ackcoord.config.ConfigDef.Type;
import java.util.regex.Pattern;

/**
 * The tracing part of a verticle's configuration (docs/operations.md#tracing). Tracing is off unless an OTLP endpoint
 * is set, here or by OpenTelemetry's own {@code OTEL_EXPORTER_OTLP_ENDPOINT}; everything else about the SDK
 * (sampler, service name, headers, timeouts) follows the standard {@code OTEL_*} variables.
 *
 * @param otlpEndpoint where spans go over OTLP/HTTP (protobuf), e.g. {@code http://collector:4318}; empty: only
 *                     the {@code OTEL_*} variables decide
 * @param uiUrl        a trace UI's link with {@value #TRACE_ID_PLACEHOLDER} for the trace id, for A's status page;
 *                     empty: no link (A only)
 */
public record TracingSettings(String otlpEndpoint, String uiUrl) {

  public static final String OTLP_ENDPOINT = "tracing.otlp.endpoint";
  public static final String UI_URL = "tracing.ui.url";
  /** Replaced by the trace id in {@link #uiUrl}. */
  public static final String TRACE_ID_PLACEHOLDER = "{traceId}";
  /** Tracing off. */
  public static final TracingSettings OFF = new TracingSettings("", "");

  private static final Pattern HTTP_URL = Pattern.compile("https?://[^\\s/?#]+(/\\S*)?");

  public TracingSettings {
    otlpEndpoint = otlpEndpoint == null ? "" : otlpEndpoint;
    uiUrl = uiUrl == null ? "" : uiUrl;
  }

  /**
   * Declares the tracing keys.
   *
   * @param withUi whether to declare {@value #UI_URL} (A's status page links to traces; B has no page)
   */
  public static ConfigDef define(ConfigDef def, boolean withUi) {
    def.define(OTLP_ENDPOINT, Type.STRING, "", v -> ((String) v).isEmpty() || HTTP_URL.matcher((String) v).matches()
            ? null : "must be empty or an http(s) URL",
        "OTLP/HTTP (protobuf) endpoint to export trace spans to, e.g. http://collector:4318; setting it (or "
            + "OpenTelemetry's own OTEL_EXPORTER_OTLP_ENDPOINT, which wins) turns tracing on. The other OTEL_* "
            + "variables work as usual (OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER, ...). Empty: off, at no cost.");
    if (withUi) {
      def.define(UI_URL, Type.STRING, "", TracingSettings::checkUiUrl,
          "Link from the status page's message history to a trace UI, with " + TRACE_ID_PLACEHOLDER
              + " where the trace id goes, e.g. http://jaeger:16686/trace/" + TRACE_ID_PLACEHOLDER
              + ". Empty: the trace id is shown without a link.");
    }
    return def;
  }

  /** Reads the tracing keys from validated configuration; {@code withUi} as {@link #define} was told. */
  public static TracingSettings from(Config c, boolean withUi) {
    return new TracingSettings(c.getString(OTLP_ENDPOINT), withUi ? c.getString(UI_URL) : "");
  }

  /** The link to trace {@code traceId} in the configured UI, or {@code null} when none is configured. */
  public String uiLink(String traceId) {
    return uiUrl.isEmpty() || traceId == null ? null : uiUrl.replace(TRACE_ID_PLACEHOLDER, traceId);
  }

  private static String checkUiUrl(Object v) {
    String url = (String) v;
    if (url.isEmpty()) {
      return null;
    }
    return HTTP_URL.matcher(url).matches() && url.contains(TRACE_ID_PLACEHOLDER) ? null
        : "must be empty or an http(s) URL containing " + TRACE_ID_PLACEHOLDER;
  }
}

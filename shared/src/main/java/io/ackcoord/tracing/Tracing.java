package io.ackcoord.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one OpenTelemetry instance of an A or a B, and whether tracing is on. Off (the default) it is
 * {@link OpenTelemetry#noop()} and {@link #enabled()} is false, so the hooks in A and B do not even build attributes.
 * On, it is an SDK configured the standard way ({@code opentelemetry-sdk-extension-autoconfigure}: every
 * {@code OTEL_*} variable and {@code otel.*} system property works) with these defaults: OTLP over HTTP/protobuf,
 * the service name given, and no metrics or logs exported (A and B export their metrics to Prometheus).
 */
public final class Tracing {

  private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);
  /** Instrumentation scope of every span ackcoord makes. */
  public static final String SCOPE = "io.ackcoord";

  /** The longest {@link #close} waits for the last spans to be exported. */
  public static final long CLOSE_TIMEOUT_MS = 5_000;

  /** Tracing off: no SDK, no spans, nothing to close. */
  public static final Tracing OFF = new Tracing(OpenTelemetry.noop(), null, false);

  private final OpenTelemetry openTelemetry;
  /** What {@link #close} shuts down: the SDK this class built, {@code null} for one provided by a caller. */
  private final OpenTelemetrySdk owned;
  private final boolean enabled;
  private final Tracer tracer;

  private Tracing(OpenTelemetry openTelemetry, OpenTelemetrySdk owned, boolean enabled) {
    this.openTelemetry = openTelemetry;
    this.owned = owned;
    this.enabled = enabled;
    this.tracer = openTelemetry.getTracer(SCOPE);
  }

  /**
   * Tracing through an OpenTelemetry instance the caller built and closes (tests pass an SDK with an in-memory
   * exporter; an application embedding A or B can pass its own). {@code null} means off.
   */
  public static Tracing using(OpenTelemetry openTelemetry) {
    return openTelemetry == null ? OFF : new Tracing(openTelemetry, null, true);
  }

  /**
   * Tracing as configured: off unless {@code settings} or the environment names an OTLP endpoint, and not when
   * {@code OTEL_SDK_DISABLED} is true.
   *
   * @param defaultServiceName the service name unless {@code OTEL_SERVICE_NAME} says otherwise
   * @param env                the process environment ({@code System.getenv()}), a parameter for tests
   */
  public static Tracing open(TracingSettings settings, String defaultServiceName, Map<String, String> env) {
    if (!wanted(settings, env)) {
      return OFF;
    }
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.service.name", defaultServiceName);
    defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    if (!settings.otlpEndpoint().isEmpty()) {
      defaults.put("otel.exporter.otlp.endpoint", settings.otlpEndpoint());
    }
    // Defaults only: OTEL_* variables and otel.* system properties win over them. Not made global: A and B in one
    // JVM (the tests) each keep their own.
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> defaults)
        .build()
        .getOpenTelemetrySdk();
    LOG.info("Tracing on: spans exported over OTLP ({}) as service {}", endpoint(settings, env),
        env.getOrDefault("OTEL_SERVICE_NAME", defaultServiceName));
    return new Tracing(sdk, sdk, true);
  }

  static boolean wanted(TracingSettings settings, Map<String, String> env) {
    if ("true".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED"))) {
      return false;
    }
    return !settings.otlpEndpoint().isEmpty() || notEmpty(env.get("OTEL_EXPORTER_OTLP_ENDPOINT"))
        || notEmpty(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
  }

  private static String endpoint(TracingSettings settings, Map<String, String> env) {
    String traces = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    String all = env.get("OTEL_EXPORTER_OTLP_ENDPOINT");
    return notEmpty(traces) ? traces : notEmpty(all) ? all : settings.otlpEndpoint();
  }

  private static boolean notEmpty(String s) {
    return s != null && !s.isBlank();
  }

  /** Whether spans are made at all; when false, hooks skip every span and attribute. */
  public boolean enabled() {
    return enabled;
  }

  /** The tracer of {@link #SCOPE}. */
  public Tracer tracer() {
    return tracer;
  }

  /** The instance, for its propagators (extracting a caller's {@code traceparent}). */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /**
   * Exports what is buffered and shuts the SDK down, if this class built it; completes on {@code vertx}'s context when
   * done, or after {@link #CLOSE_TIMEOUT_MS} at most, without blocking: a collector that does not answer must not
   * hold A's or B's stop (the spans it did not take are dropped).
   */
  public Future<Void> close(Vertx vertx) {
    return close(vertx, CLOSE_TIMEOUT_MS);
  }

  Future<Void> close(Vertx vertx, long maxMillis) {
    if (owned == null) {
      return Future.succeededFuture();
    }
    Context context = vertx.getOrCreateContext();
    Promise<Void> closed = Promise.promise();
    long timer = vertx.setTimer(maxMillis, id -> closed.tryComplete());
    // Completes on the exporter's thread: back to the context before anyone is told.
    owned.shutdown().whenComplete(() -> context.runOnContext(v -> {
      vertx.cancelTimer(timer);
      closed.tryComplete();
    }));
    return closed.future();
  }
}

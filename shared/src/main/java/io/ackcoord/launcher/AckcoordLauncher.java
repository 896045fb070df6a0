package io.ackcoord.launcher;

import io.vertx.core.Launcher;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.metrics.MetricsOptions;

/**
 * Vert.x's launcher ({@code run}, {@code start}, {@code stop}, {@code list}) as {@code bin/vertx} and the jars'
 * {@code Main-Class} run it, with one difference: Vert.x's own metrics stay off unless the operator turns them on
 * ({@code -options '{"metricsOptions":{"enabled":true,…}}'} or {@code -Dvertx.metrics.options.enabled=true}).
 *
 * <p>Why: vertx-micrometer-metrics is on A's classpath for {@code GET /metrics}, which reads A's own registry, and
 * the stock launcher hands every metrics factory it finds to Vert.x whatever the options say. Vert.x then collected
 * figures nobody exported, and (vertx-micrometer-metrics 5.0.8 with Micrometer 1.15) registered the HTTP server's
 * connection gauge again on every connection, which Micrometer reports as a WARN on A's second request.
 */
public class AckcoordLauncher extends Launcher {

  /**
   * Every category of vertx-micrometer-metrics ({@code MetricsDomain.toCategory()}, spelt out: the class is on A's
   * classpath only).
   */
  private static final JsonArray ALL_CATEGORIES = new JsonArray().add("net.server").add("net.client")
      .add("http.server").add("http.client").add("datagram").add("eventbus").add("pool").add("verticle");

  /** Runs a launcher command, e.g. {@code run io.ackcoord.producer.ProducerVerticle -conf conf/producer-a.json}. */
  public static void main(String[] args) {
    new AckcoordLauncher().dispatch(args);
  }

  @Override
  public void beforeStartingVertx(VertxOptions options) {
    MetricsOptions metrics = options.getMetricsOptions();
    if (metrics != null && !metrics.isEnabled()) {
      options.setMetricsOptions(new MetricsOptions(metrics.toJson().put("disabledMetricsCategories", ALL_CATEGORIES)));
    }
    super.beforeStartingVertx(options);
  }
}

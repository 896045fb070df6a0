package io.ackcoord.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.config.ConfigException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Invalid configuration fails deployment, before any Kafka connection, with the key and value named. */
@ExtendWith(VertxExtension.class)
class ProducerConfigValidationTest {

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("ack.timeout.ms", -5, "invalid value -5 for key ack.timeout.ms"),
        Arguments.of("retry.max.attempts", 0, "invalid value 0 for key retry.max.attempts"),
        Arguments.of("ack.timeout.ms", "soon", "invalid value 'soon' for key ack.timeout.ms: expected a whole number"),
        Arguments.of("retry.jitter", 1.5, "invalid value 1.5 for key retry.jitter: must be between 0 and 1"),
        Arguments.of("kafka.bootstrap.servers", "localhost", "invalid value 'localhost' for key kafka.bootstrap"),
        Arguments.of("producer.id", "has space", "invalid value 'has space' for key producer.id"),
        Arguments.of("http.port", 70000, "invalid value 70000 for key http.port"),
        Arguments.of("ack.timout.ms", 100, "unknown config key 'ack.timout.ms' (did you mean 'ack.timeout.ms'?)"));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("invalid")
  @DisplayName("deployment fails naming the key and the value")
  void invalidConfigFailsDeployment(String key, Object value, String expected, Vertx vertx, VertxTestContext ctx) {
    JsonObject config = new JsonObject().put(key, value);
    vertx.deployVerticle(new ProducerVerticle(), new DeploymentOptions().setConfig(config))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(ConfigException.class);
          assertThat(err.getMessage()).contains(expected);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the documented defaults validate on their own")
  void defaultsAreValid() {
    ProducerOptions options = ProducerOptions.from(ProducerOptions.definition().parse(new JsonObject()));
    assertThat(options.retry().ackTimeoutMillis()).isEqualTo(10_000);
    assertThat(options.http().host()).isEqualTo("127.0.0.1");
    assertThat(options.replyPartition(3)).isBetween(0, 2);
    assertThat(options.replyPartition(3)).isEqualTo(options.replyPartition(3));
  }
}

package io.ackcoord.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ackcoord.config.ConfigDef.Type;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConfigDefTest {

  private final ConfigDef def = new ConfigDef()
      .define("ack.timeout.ms", Type.LONG, 1000L, ConfigDef.atLeast(1), "timeout")
      .define("retry.jitter", Type.DOUBLE, 0.1, ConfigDef.between(0, 1), "jitter")
      .define("topic.create", Type.BOOLEAN, true, "create")
      .define("mode", Type.STRING, "a", ConfigDef.oneOf("a", "b"), "mode")
      .define("kafka.properties", Type.OBJECT, new JsonObject(), "props");

  @Test
  @DisplayName("defaults fill in what is absent")
  void defaults() {
    Config c = def.parse(new JsonObject());
    assertThat(c.getLong("ack.timeout.ms")).isEqualTo(1000);
    assertThat(c.getBoolean("topic.create")).isTrue();
  }

  @Test
  @DisplayName("strings from environment variables are read as numbers and booleans")
  void coercesStrings() {
    Config c = def.parse(new JsonObject().put("ack.timeout.ms", "2500").put("retry.jitter", "0.5")
        .put("topic.create", "false").put("kafka.properties", "{\"a\":1}"));
    assertThat(c.getLong("ack.timeout.ms")).isEqualTo(2500);
    assertThat(c.getDouble("retry.jitter")).isEqualTo(0.5);
    assertThat(c.getBoolean("topic.create")).isFalse();
    assertThat(c.getObject("kafka.properties").getInteger("a")).isEqualTo(1);
  }

  @Test
  @DisplayName("each kind of mistake names the key and the value")
  void errors() {
    assertThatThrownBy(() -> def.parse(new JsonObject().put("ack.timeout.ms", 0)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid value 0 for key ack.timeout.ms: must be at least 1")
        .extracting(e -> ((ConfigException) e).key()).isEqualTo("ack.timeout.ms");
    assertThatThrownBy(() -> def.parse(new JsonObject().put("ack.timeout.ms", 1.5)))
        .hasMessage("invalid value 1.5 for key ack.timeout.ms: expected a whole number");
    assertThatThrownBy(() -> def.parse(new JsonObject().put("topic.create", "yes")))
        .hasMessage("invalid value 'yes' for key topic.create: expected true or false");
    assertThatThrownBy(() -> def.parse(new JsonObject().put("mode", "c")))
        .hasMessage("invalid value 'c' for key mode: must be one of [a, b]");
    assertThatThrownBy(() -> def.parse(new JsonObject().put("mdoe", "a")))
        .hasMessageStartingWith("unknown config key 'mdoe' (did you mean 'mode'?)");
  }

  @Test
  @DisplayName("environment variables replace the keys they are named after")
  void environment() {
    JsonObject merged = new JsonObject().put("ack.timeout.ms", 1000).put("ACK_TIMEOUT_MS", 7);
    assertThat(def.applyEnvironment(merged)).isEqualTo(new JsonObject().put("ack.timeout.ms", 7));
    assertThat(def.envNames()).contains("ACK_TIMEOUT_MS", "KAFKA_PROPERTIES");
  }

  @Test
  @DisplayName("credentials in client properties are masked in the effective-config view")
  void redaction() {
    Config c = def.parse(new JsonObject().put("kafka.properties", new JsonObject()
        .put("sasl.jaas.config", "secret stuff").put("security.protocol", "SASL_SSL")));
    JsonObject shown = c.toJson().getJsonObject("kafka.properties");
    assertThat(shown.getString("sasl.jaas.config")).isEqualTo("******");
    assertThat(shown.getString("security.protocol")).isEqualTo("SASL_SSL");
  }

  @Test
  @DisplayName("only settings Kafka knows as non-secret are shown: password-typed and unknown keys are masked")
  void redactionByKafkaTypes() {
    Config c = def.parse(new JsonObject().put("kafka.properties", new JsonObject()
        .put("ssl.truststore.password", "p1").put("ssl.keystore.key", "pem").put("sasl.login.callback.handler.class",
            "com.example.Login").put("basic.auth.user.info", "user:pw").put("bearer.auth.token", "t0k3n")
        .put("my.handler.db.pass", "pw").put("ssl.truststore.location", "/etc/ts.jks").put("linger.ms", 5)));
    JsonObject shown = c.toJson().getJsonObject("kafka.properties");
    assertThat(shown.getString("ssl.truststore.password")).isEqualTo("******");
    assertThat(shown.getString("ssl.keystore.key")).isEqualTo("******");
    assertThat(shown.getString("basic.auth.user.info")).isEqualTo("******");
    assertThat(shown.getString("bearer.auth.token")).isEqualTo("******");
    assertThat(shown.getString("my.handler.db.pass")).isEqualTo("******");
    assertThat(shown.getString("ssl.truststore.location")).isEqualTo("/etc/ts.jks");
    assertThat(shown.getString("sasl.login.callback.handler.class")).isEqualTo("com.example.Login");
    assertThat(shown.getInteger("linger.ms")).isEqualTo(5);
    assertThat(c.toJson().encode()).doesNotContain("p1", "pem", "user:pw", "t0k3n", "\"pw\"");
  }

  @Test
  @DisplayName("a malformed KAFKA_PROPERTIES is refused naming the key, never echoing its text (it holds passwords)")
  void malformedPropertiesNotEchoed() {
    assertThatThrownBy(() -> def.parse(new JsonObject().put("kafka.properties",
        "{\"sasl.jaas.config\":\"... password=\\\"hunter2\\\";\"")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.properties")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> def.parse(new JsonObject().put("kafka.properties", "password=hunter2")))
        .hasMessageNotContaining("hunter2");
  }

  @Test
  @DisplayName("a reload sees a changed secret though both views show it masked")
  void changedKeysSeeMaskedValues() {
    Config before = def.parse(new JsonObject().put("kafka.properties", new JsonObject().put("sasl.jaas.config", "a")));
    Config after = def.parse(new JsonObject().put("kafka.properties", new JsonObject().put("sasl.jaas.config", "b")));
    assertThat(before.toJson()).isEqualTo(after.toJson());
    assertThat(before.changedKeys(after)).containsExactly("kafka.properties");
    assertThat(before.changedKeys(before)).isEmpty();
  }

  @Test
  @DisplayName("ackcoord's own secret keys (*.key, *.token(s), *.password) are masked when shown and in errors")
  void ownSecretsMasked() {
    ConfigDef secrets = new ConfigDef()
        .define("dedupe.marker.key", ConfigDef.Type.STRING, "", ConfigDef.matches("|.{16,}", "at least 16"), "k")
        .define("http.host", ConfigDef.Type.STRING, "127.0.0.1", "h");
    Config c = secrets.parse(new JsonObject().put("dedupe.marker.key", "0123456789abcdef-secret"));
    assertThat(c.toJson().getString("dedupe.marker.key")).isEqualTo("******");
    assertThat(c.toJson().getString("http.host")).isEqualTo("127.0.0.1");
    assertThat(secrets.parse(new JsonObject()).toJson().getString("dedupe.marker.key")).as("unset").isEmpty();
    assertThatThrownBy(() -> secrets.parse(new JsonObject().put("dedupe.marker.key", "short-secret")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("dedupe.marker.key")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("short-secret"));
  }
}

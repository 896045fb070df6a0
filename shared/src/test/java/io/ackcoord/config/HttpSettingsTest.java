package io.ackcoord.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HttpSettingsTest {

  private static HttpSettings parse(JsonObject raw) {
    return HttpSettings.from(HttpSettings.define(new ConfigDef(), 8080).parse(raw));
  }

  @Test
  @DisplayName("answers to localhost, IP addresses, its bind name and the allowed names; nothing else")
  void hostNames() {
    HttpSettings http = parse(new JsonObject().put("http.host", "a.local")
        .put("http.allowed.hosts", "Ackcoord.Example.com, status.internal."));
    assertThat(http.allowedHosts()).containsExactlyInAnyOrder("ackcoord.example.com", "status.internal");
    assertThat(http.answersTo("localhost")).isTrue();
    assertThat(http.answersTo("127.0.0.1")).isTrue();
    assertThat(http.answersTo("[::1]")).isTrue();
    assertThat(http.answersTo("10.0.0.7")).isTrue();
    assertThat(http.answersTo("A.LOCAL")).isTrue();
    assertThat(http.answersTo("ackcoord.example.com.")).isTrue();
    assertThat(http.answersTo("status.internal")).isTrue();
    assertThat(http.answersTo("evil.example")).isFalse();
    assertThat(http.answersTo("localhost.evil.example")).isFalse();
    assertThat(http.answersTo("127.0.0.1.evil.example")).isFalse();
    assertThat(http.answersTo("")).isFalse();
  }

  @Test
  @DisplayName("by default only localhost and addresses; a bad list names the key and the value")
  void defaultsAndErrors() {
    HttpSettings http = parse(new JsonObject());
    assertThat(http.allowedHosts()).isEmpty();
    assertThat(http.answersTo("0.0.0.0")).isTrue();
    assertThat(http.answersTo("example.com")).isFalse();
    assertThatThrownBy(() -> parse(new JsonObject().put("http.allowed.hosts", "a b")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.allowed.hosts").hasMessageContaining("a b");
  }
}

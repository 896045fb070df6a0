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
  @DisplayName("an IPv4 literal is four dot-separated groups of one to three digits, nothing more or less")
  void dottedQuads() {
    assertThat(HttpSettings.isDottedQuad("10.0.0.7")).isTrue();
    assertThat(HttpSettings.isDottedQuad("999.999.999.999")).isTrue();
    for (String no : new String[] {"", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3", "1.2.3.4444", "1.2.3.a",
        "1.2.3.4 ", "a.b.c.d", "1.2.3.\u0661"}) {
      assertThat(HttpSettings.isDottedQuad(no)).as(no).isFalse();
    }
  }

  @Test
  @DisplayName("answers to localhost, IP addresses, its bind name and the allowed names; nothing else")
  void hostNames() {
    HttpSettings http = parse(new JsonObject().put("http.host", "a.local").put("http.auth.token", TOKEN)
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

  private static final String TOKEN = "s3cret-token-0123456789";

  @Test
  @DisplayName("beyond loopback without a token or mutual TLS the start is refused, naming the insecure key")
  void nonLoopbackBindNeedsAuthentication() {
    for (String host : new String[] {"0.0.0.0", "10.0.0.7", "a.local", "::", "127.0.0.1.nip.io"}) {
      assertThatThrownBy(() -> parse(new JsonObject().put("http.host", host))).as(host)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("http.insecure.allow.unauthenticated.bind")
          .hasMessageContaining("'" + host + "'")
          .extracting(e -> ((ConfigException) e).key()).isEqualTo(HttpSettings.INSECURE_BIND);
    }
    for (String host : new String[] {"127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"}) {
      assertThat(parse(new JsonObject().put("http.host", host)).authenticated()).as(host).isFalse();
    }
    assertThat(parse(new JsonObject().put("http.host", "0.0.0.0").put("http.auth.token", TOKEN)).tokensRequired())
        .isTrue();
    assertThat(parse(new JsonObject().put("http.host", "0.0.0.0").put("http.tls.cert.path", "c.pem")
        .put("http.tls.key.path", "k.pem").put("http.tls.client.ca.path", "ca.pem")).authenticated()).isTrue();
    assertThat(parse(new JsonObject().put("http.host", "0.0.0.0")
        .put("http.insecure.allow.unauthenticated.bind", true)).authenticated()).isFalse();
    assertThat(parse(new JsonObject().put("http.host", "0.0.0.0").put("http.port", -1)).enabled())
        .as("HTTP off binds nothing").isFalse();
  }

  @Test
  @DisplayName("tokens: comma-separated for rotation, at least 16 characters; errors and toJson never show them")
  void tokens() {
    HttpSettings two = parse(new JsonObject().put("http.auth.token", TOKEN + ", second-token-abcdefgh"));
    assertThat(two.authTokens()).containsExactly(TOKEN, "second-token-abcdefgh");
    assertThat(two.toString()).doesNotContain(TOKEN).contains("2 set");
    assertThatThrownBy(() -> parse(new JsonObject().put("http.auth.token", TOKEN + ",short-one")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.auth.token")
        .hasMessageContaining("token 2 of 2").hasMessageContaining("16").hasMessageNotContaining("short-one")
        .hasMessageNotContaining(TOKEN);
    ConfigDef def = HttpSettings.define(new ConfigDef(), 8080);
    assertThat(def.keys()).filteredOn(k -> k.name().equals(HttpSettings.AUTH_TOKEN))
        .extracting(ConfigDef.Key::envName).containsExactly("HTTP_AUTH_TOKEN");
    JsonObject env = def.applyEnvironment(new JsonObject().put("HTTP_AUTH_TOKEN", TOKEN));
    Config config = def.parse(env);
    assertThat(HttpSettings.from(config).authTokens()).containsExactly(TOKEN);
    assertThat(config.toJson().getString("http.auth.token")).isEqualTo("******");
    assertThat(def.parse(new JsonObject()).toJson().getString("http.auth.token")).as("none set shows so").isEmpty();
    assertThatThrownBy(() -> def.parse(new JsonObject().put("http.auth.token", new JsonObject())))
        .hasMessageContaining("http.auth.token").hasMessageContaining("not shown");
  }

  @Test
  @DisplayName("TLS: certificate and key go together; mutual TLS needs them")
  void tlsFiles() {
    assertThat(parse(new JsonObject()).tls()).isEqualTo(HttpSettings.Tls.NONE);
    HttpSettings tls = parse(new JsonObject().put("http.tls.cert.path", "c.pem").put("http.tls.key.path", "k.pem"));
    assertThat(tls.tls().enabled()).isTrue();
    assertThat(tls.tls().mutual()).isFalse();
    assertThatThrownBy(() -> parse(new JsonObject().put("http.tls.cert.path", "c.pem")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("missing http.tls.key.path");
    assertThatThrownBy(() -> parse(new JsonObject().put("http.tls.client.ca.path", "ca.pem")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.tls.cert.path");
  }
}

package io.ackcoord.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.time.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TokensAndSessionsTest {

  private static final String OLD = "old-token-0123456789";
  private static final String NEW = "new-token-9876543210";

  @Test
  @DisplayName("either of two tokens is accepted (rotation); a wrong, partial, longer or missing one is not")
  void tokens() {
    Tokens tokens = new Tokens(List.of(OLD, NEW));
    assertThat(tokens.any()).isTrue();
    assertThat(tokens.accepts(OLD)).isTrue();
    assertThat(tokens.accepts(NEW)).isTrue();
    assertThat(tokens.accepts(OLD.substring(0, 10))).isFalse();
    assertThat(tokens.accepts(OLD + "x")).isFalse();
    assertThat(tokens.accepts(OLD.toUpperCase())).isFalse();
    assertThat(tokens.accepts("")).isFalse();
    assertThat(tokens.accepts(null)).isFalse();
    assertThat(new Tokens(List.of()).any()).isFalse();
    assertThat(new Tokens(List.of()).accepts(OLD)).isFalse();
  }

  @Test
  @DisplayName("a token is named by its place in the list, for audit lines; a session by the token that opened it")
  void principals() {
    Tokens tokens = new Tokens(List.of(OLD, NEW));
    assertThat(tokens.indexOf(OLD)).isZero();
    assertThat(tokens.indexOf(NEW)).isEqualTo(1);
    assertThat(tokens.indexOf(NEW + "x")).isEqualTo(-1);
    assertThat(tokens.indexOf(null)).isEqualTo(-1);
    Sessions sessions = new Sessions(new ManualClock(), 1000, 10);
    String id = sessions.open("session of token #2");
    assertThat(sessions.principal(id)).isEqualTo("session of token #2");
    assertThat(sessions.principal(id + "x")).isNull();
    assertThat(sessions.principal(null)).isNull();
  }

  @Test
  @DisplayName("a session is valid until its expiry, unguessable, and can be closed")
  void sessionExpiry() {
    ManualClock clock = new ManualClock();
    Sessions sessions = new Sessions(clock, Duration.ofHours(12).toMillis(), 10);
    String id = sessions.open();
    String other = sessions.open();
    assertThat(id).hasSize(43).isNotEqualTo(other); // 256 random bits, base64url
    assertThat(sessions.valid(id)).isTrue();
    assertThat(sessions.valid(id + "x")).isFalse();
    assertThat(sessions.valid(null)).isFalse();
    clock.advance(Duration.ofHours(12).minusMillis(1));
    assertThat(sessions.valid(id)).isTrue();
    clock.advanceMillis(1);
    assertThat(sessions.valid(id)).as("expired").isFalse();
    String third = sessions.open();
    sessions.close(third);
    assertThat(sessions.valid(third)).as("logged out").isFalse();
    assertThat(sessions.ttlSeconds()).isEqualTo(12 * 3600);
  }

  @Test
  @DisplayName("beyond the cap a login forgets the session closest to expiry, never the new one")
  void sessionCap() {
    ManualClock clock = new ManualClock();
    Sessions sessions = new Sessions(clock, 1000, 2);
    String first = sessions.open();
    clock.advanceMillis(10);
    String second = sessions.open();
    clock.advanceMillis(10);
    String third = sessions.open();
    assertThat(sessions.valid(first)).isFalse();
    assertThat(sessions.valid(second)).isTrue();
    assertThat(sessions.valid(third)).isTrue();
  }
}

package io.ackcoord.producer.api;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.DecodeException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpApiJsonTest {

  @ParameterizedTest
  @ValueSource(strings = {"{}", " {\"a\":[1,2,{\"b\":null}],\"c\":\"x\"} ", "[]", "42", "\"text\"", "true", "null",
      "\n[1, 2]\n"})
  void acceptsOneJsonValue(String body) {
    assertThatCode(() -> HttpApi.checkJson(body.getBytes(StandardCharsets.UTF_8))).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "{", "{\"a\":}", "[1,2", "{} {}", "1 2", "{\"a\":1}x", "nul", "{'a':1}"})
  void rejectsAnythingElse(String body) {
    assertThatThrownBy(() -> HttpApi.checkJson(body.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(DecodeException.class);
  }
}

package io.ackcoord.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.http.HealthProbes.Check;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HealthProbesTest {

  private final List<Check> oneDown = List.of(Check.up("kafka"), Check.down("replies", "not assigned"));

  @Test
  @DisplayName("UP only when every check is; each check listed with its status")
  void status() {
    assertThat(HealthProbes.body(List.of(Check.up("kafka"), Check.up("replies")), false))
        .isEqualTo(new JsonObject("{\"status\":\"UP\",\"checks\":[{\"id\":\"kafka\",\"status\":\"UP\"},"
            + "{\"id\":\"replies\",\"status\":\"UP\"}]}"));
    assertThat(HealthProbes.body(oneDown, false).getString("status")).isEqualTo("DOWN");
  }

  @Test
  @DisplayName("a failing check's reason only for an authenticated request")
  void reasons() {
    assertThat(HealthProbes.body(oneDown, false).encode()).doesNotContain("not assigned");
    assertThat(HealthProbes.body(oneDown, true).getJsonArray("checks").getJsonObject(1).getString("reason"))
        .isEqualTo("not assigned");
  }
}

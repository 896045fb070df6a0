package io.ackcoord.producer.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.time.ManualClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConsumerReportsTest {

  private final ManualClock clock = new ManualClock();
  private final ConsumerReports reports = new ConsumerReports(clock, 3000);

  private static JsonObject report(String id, long at, long processed) {
    return new JsonObject().put("consumerId", id).put("at", at).put("processed", processed).put("duplicates", 1)
        .put("poison", 0).put("inFlight", 2);
  }

  @Test
  @DisplayName("keeps the latest report per B and sums their counters")
  void latestPerInstanceAndSum() {
    reports.update(report("b1", 1, 10));
    reports.update(report("b2", 1, 5));
    reports.update(report("b1", 2, 12));

    JsonObject json = reports.toJson();
    assertThat(json.getInteger("up")).isEqualTo(2);
    assertThat(json.getJsonArray("instances")).hasSize(2);
    assertThat(json.getJsonObject("total").getLong("processed")).isEqualTo(17);
    assertThat(json.getJsonObject("total").getLong("duplicates")).isEqualTo(2);
    assertThat(json.getJsonObject("total").getLong("inFlight")).isEqualTo(4);
  }

  @Test
  @DisplayName("an older report (a replay) does not roll a B's figures back")
  void olderReportIgnored() {
    reports.update(report("b1", 5, 50));
    reports.update(report("b1", 4, 40));
    assertThat(reports.toJson().getJsonObject("total").getLong("processed")).isEqualTo(50);
  }

  @Test
  @DisplayName("a silent B turns stale, then is dropped; a B that said goodbye is shown stopped")
  void staleStoppedDropped() {
    reports.update(report("b1", 1, 1));
    reports.update(report("b2", 1, 1).put("stopped", true));
    clock.advanceMillis(3001);
    JsonObject json = reports.toJson();
    assertThat(json.getInteger("up")).isZero();
    assertThat(json.getInteger("stale")).isEqualTo(1);
    assertThat(json.getInteger("stopped")).isEqualTo(1);
    assertThat(json.getJsonArray("instances").getJsonObject(0).getString("state")).isEqualTo("stale");

    clock.advanceMillis(3000L * ConsumerReports.DROP_FACTOR);
    assertThat(reports.toJson().getJsonArray("instances")).isEmpty();
  }

  @Test
  @DisplayName("a report without a consumerId is refused")
  void anonymousRefused() {
    assertThat(reports.update(new JsonObject().put("processed", 3))).isFalse();
    assertThat(reports.toJson().getJsonArray("instances")).isEmpty();
  }
}

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

  @Test
  @DisplayName("forged reports (wrong types, nulls, huge numbers, control characters) cannot break the page's JSON")
  void forgedReportsStayHarmless() {
    reports.update(report("b1", 1, 10));
    assertThat(reports.update(new JsonObject().put("consumerId", "b2").put("stopped", "yes").put("at", "soon")
        .putNull("processed").put("inFlight", -5).put("duplicates", 1.5).put("received", Double.NaN)
        .put("acksSent", Long.MAX_VALUE).put("guarantee", 42).put("handler", "x\n12:00 ERROR forged" + "y".repeat(500))
        .put("assignedPartitions", new io.vertx.core.json.JsonArray().add(1).add("t-0").addNull())
        .put("unknown", new JsonObject().put("deep", "x".repeat(10_000))))).isTrue();
    assertThat(reports.update(report("b3", 1, 1).put("acksSent", Long.MAX_VALUE))).isTrue();

    JsonObject json = reports.toJson();
    JsonObject forged = json.getJsonArray("instances").getJsonObject(1);
    assertThat(forged.getString("state")).as("\"stopped\":\"yes\" is not a goodbye").isEqualTo("up");
    assertThat(forged.getLong("processed")).isZero();
    assertThat(forged.getLong("inFlight")).isZero();
    assertThat(forged.getLong("duplicates")).isZero();
    assertThat(forged.getLong("received")).isZero();
    assertThat(forged.getLong("at")).isZero();
    assertThat(forged.containsKey("guarantee")).isFalse();
    assertThat(forged.containsKey("unknown")).isFalse();
    assertThat(forged.getString("handler")).hasSize(ConsumerReport.MAX_TEXT_CHARS).doesNotContain("\n");
    assertThat(forged.getJsonArray("assignedPartitions").getList()).containsExactly("t-0");
    assertThat(json.getJsonObject("total").getLong("acksSent")).as("saturates, never negative")
        .isEqualTo(Long.MAX_VALUE);
    assertThat(json.getJsonObject("total").getLong("processed")).isEqualTo(11);
    // What A's status API does with it: encode; nothing in it may throw.
    assertThat(json.encode()).contains("\"consumerId\":\"b2\"");
  }

  @Test
  @DisplayName("a flood of invented Bs stops at the cap; the Bs already known keep reporting")
  void instanceCap() {
    reports.update(report("real", 1, 1));
    for (int i = 0; i < ConsumerReports.MAX_INSTANCES + 500; i++) {
      reports.update(report("fake-" + i, 1, 1));
    }
    assertThat(reports.update(report("real", 2, 7))).isTrue();
    JsonObject json = reports.toJson();
    assertThat(json.getJsonArray("instances")).hasSize(ConsumerReports.MAX_INSTANCES);
    assertThat(json.getLong("refused")).isEqualTo(501);
    assertThat(json.getJsonArray("instances").stream().map(o -> ((JsonObject) o).getString("consumerId")))
        .contains("real");
  }
}

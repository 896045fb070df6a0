package io.ackcoord.producer.status;

import io.ackcoord.producer.tracker.Attempt;
import io.ackcoord.producer.tracker.OperatorNotes;
import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.time.Clock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/** The JSON shape of one message for the API: state, timing, every attempt, and what operators did to it. */
final class MessageJson {

  private MessageJson() {
  }

  /**
   * @param traceLink a trace id's link in the configured trace UI, or {@code null} when none is configured
   */
  static JsonObject of(TrackedMessage m, List<OperatorNotes.Note> notes, Clock clock,
      Function<String, String> traceLink) {
    JsonArray attempts = new JsonArray();
    for (Attempt a : m.attempts()) {
      JsonObject json = new JsonObject().put("attempt", a.number()).put("sentAt", a.sentAt())
          .put("outcome", a.outcome());
      if (a.confirmedAt() > 0) {
        json.put("confirmedAt", a.confirmedAt()).put("timeoutMs", a.timeoutMillis());
      }
      attempts.add(json);
    }
    JsonObject json = new JsonObject()
        .put("id", m.id())
        .put("state", m.state().name())
        .put("attempt", m.attempt())
        .put("acceptedAt", m.acceptedAt())
        .put("timeoutMs", m.baseTimeoutMillis());
    if (m.contentType() != null) {
      json.put("contentType", m.contentType());
    }
    if (m.deadline() != Long.MAX_VALUE) {
      json.put("nextDeadlineInMs", Math.max(0, m.deadline() - clock.monotonicMillis()));
    }
    if (m.finishedAt() > 0) {
      json.put("finishedAt", m.finishedAt()).put("latencyMs", m.latencyMillis());
    }
    if (m.reason() != null) {
      json.put("reason", m.reason());
    }
    if (m.trace() != null) {
      String traceId = m.trace().traceId();
      json.put("traceId", traceId);
      String link = traceLink.apply(traceId);
      if (link != null) {
        json.put("traceUrl", link);
      }
    }
    if (!notes.isEmpty()) {
      JsonArray list = new JsonArray();
      notes.forEach(n -> list.add(new JsonObject().put("at", n.at()).put("note", n.text())));
      json.put("notes", list);
    }
    return json.put("attempts", attempts);
  }
}

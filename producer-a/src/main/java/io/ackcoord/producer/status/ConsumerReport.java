package io.ackcoord.producer.status;

import io.ackcoord.protocol.SafeText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One B's report from the stats topic, read defensively: anyone who can write to that topic writes these, so only
 * the known fields are kept, each of its type and within bounds (counters non-negative, strings cut and cleaned, at
 * most {@value #MAX_PARTITIONS} partitions). A field of the wrong type reads as absent; a report without a usable
 * {@code consumerId} is no report.
 *
 * @param consumerId B's {@code consumer.instance.id}
 * @param at         B's wall clock when it sent the report
 */
public record ConsumerReport(String consumerId, long at, Map<String, Long> counters, Map<String, Boolean> flags,
    Map<String, String> texts, List<String> assignedPartitions) {

  /** The counters summed over every B on the page. */
  static final List<String> SUMMED = List.of("received", "processed", "duplicates", "poison", "acksSent",
      "nacksSent", "inProgressSent", "inFlight", "handlerFailures", "committed");
  private static final List<String> OTHER_COUNTERS = List.of("dropped", "effectsWritten", "effectsRefused",
      "leaseRenewals", "transactions", "transactionAborts", "redelivered", "leaseRemainingMs", "intervalMs");
  private static final List<String> FLAGS = List.of("stopped", "subscribed", "fenced", "paused");
  private static final List<String> TEXTS = List.of("groupId", "guarantee", "mode", "handler");
  static final int MAX_ID_CHARS = 255;
  static final int MAX_TEXT_CHARS = 200;
  static final int MAX_PARTITIONS = 10_000;

  public ConsumerReport {
    counters = Map.copyOf(counters);
    flags = Map.copyOf(flags);
    texts = Map.copyOf(texts);
    assignedPartitions = List.copyOf(assignedPartitions);
  }

  /** The report in {@code json}, or empty when it names no B. */
  public static Optional<ConsumerReport> parse(JsonObject json) {
    String id = json.getValue("consumerId") instanceof String s ? SafeText.clean(s.strip(), MAX_ID_CHARS) : null;
    if (id == null || id.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Long> counters = new LinkedHashMap<>();
    for (String key : SUMMED) {
      counters.put(key, count(json.getValue(key)));
    }
    for (String key : OTHER_COUNTERS) {
      counters.put(key, count(json.getValue(key)));
    }
    Map<String, Boolean> flags = new LinkedHashMap<>();
    FLAGS.forEach(key -> flags.put(key, Boolean.TRUE.equals(json.getValue(key))));
    Map<String, String> texts = new LinkedHashMap<>();
    TEXTS.forEach(key -> {
      if (json.getValue(key) instanceof String s) {
        texts.put(key, SafeText.clean(s, MAX_TEXT_CHARS));
      }
    });
    List<String> partitions = new ArrayList<>();
    if (json.getValue("assignedPartitions") instanceof JsonArray array) {
      for (int i = 0; i < array.size() && partitions.size() < MAX_PARTITIONS; i++) {
        if (array.getValue(i) instanceof String p) {
          partitions.add(SafeText.clean(p, MAX_ID_CHARS));
        }
      }
    }
    return Optional.of(new ConsumerReport(id, count(json.getValue("at")), counters, flags, texts, partitions));
  }

  /** Whether B said goodbye. */
  public boolean stopped() {
    return flags.getOrDefault("stopped", false);
  }

  /** A counter, 0 when the report did not carry it. */
  public long counter(String key) {
    return counters.getOrDefault(key, 0L);
  }

  /** The report as the status API shows it. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("consumerId", consumerId).put("at", at);
    counters.forEach(json::put);
    flags.forEach(json::put);
    texts.forEach(json::put);
    return json.put("assignedPartitions", new JsonArray(new ArrayList<>(assignedPartitions)));
  }

  // A whole, non-negative number; anything else (text, null, NaN, a fraction, a negative) reads as 0.
  private static long count(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return Math.max(0, ((Number) value).longValue());
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) && d >= 0 && d == Math.rint(d) ? (long) Math.min(d, Long.MAX_VALUE) : 0;
    }
    return 0;
  }
}

package io.ackcoord.config;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Validated configuration values with defaults filled in, as produced by {@link ConfigDef#parse}. Typed getters
 * only; the per-component settings records read it once at start-up.
 */
public final class Config {

  private final Map<String, Object> values;

  Config(Map<String, Object> values) {
    this.values = Map.copyOf(values);
  }

  public String getString(String key) {
    return (String) get(key);
  }

  public int getInt(String key) {
    return (Integer) get(key);
  }

  public long getLong(String key) {
    return (Long) get(key);
  }

  public double getDouble(String key) {
    return (Double) get(key);
  }

  public boolean getBoolean(String key) {
    return (Boolean) get(key);
  }

  public JsonObject getObject(String key) {
    return ((JsonObject) get(key)).copy();
  }

  /**
   * The effective values, for the status page and logs. Inside object-valued keys (client properties, a handler's
   * config) only what Kafka's clients know as a non-secret setting is shown; every other value is masked (see
   * {@link ShownProperties}), because this JSON is shown to whoever can open the page. Top-level keys named as
   * secrets ({@code http.auth.token}) are masked too, unless empty (so the page shows that none is set).
   */
  static final String MASK = "******";

  /**
   * The keys whose values differ in {@code other}, compared unmasked (a changed password counts), in key order.
   */
  public List<String> changedKeys(Config other) {
    return values.keySet().stream().filter(k -> !Objects.equals(values.get(k), other.values.get(k))).sorted()
        .toList();
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    values.forEach((k, v) -> json.put(k, v instanceof JsonObject o ? redact(o)
        : ShownProperties.secret(k) && !"".equals(v) ? MASK : v));
    return json;
  }

  private static JsonObject redact(JsonObject properties) {
    JsonObject out = new JsonObject();
    properties.forEach(e -> out.put(e.getKey(), ShownProperties.shown(e.getKey()) ? e.getValue() : MASK));
    return out;
  }

  private Object get(String key) {
    Object v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("undeclared config key " + key);
    }
    return v;
  }
}

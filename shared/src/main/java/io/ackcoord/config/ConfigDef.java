package io.ackcoord.config;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one place a component's configuration keys are declared: name, type, default, rule and documentation.
 *
 * <p>{@link #parse(JsonObject)} turns raw JSON (file, deployment config, environment) into a typed {@link Config}
 * or throws a {@link ConfigException} naming the key and value. Unknown keys are errors too: a typo such as
 * {@code ack.timout.ms} must fail the start, not silently keep the default.
 *
 * <p>Each key can also be set by an environment variable: the key upper-cased with dots as underscores
 * ({@code ack.timeout.ms} → {@code ACK_TIMEOUT_MS}). Environment variables win over files.
 */
public final class ConfigDef {

  /** Value types a key can have. */
  public enum Type { STRING, INT, LONG, DOUBLE, BOOLEAN, OBJECT }

  /** A rule a value must follow; {@link #check} returns a description of the violation, or {@code null}. */
  @FunctionalInterface
  public interface Rule {
    String check(Object value);
  }

  /**
   * One declared key.
   *
   * @param name         key as written in JSON
   * @param type         value type
   * @param defaultValue used when the key is absent; {@code null} means the key is required
   * @param rule         extra validation beyond the type, or {@code null}
   * @param doc          one sentence for the README's table
   */
  public record Key(String name, Type type, Object defaultValue, Rule rule, String doc) {

    /** The environment variable that overrides this key. */
    public String envName() {
      return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
  }

  private final Map<String, Key> keys = new LinkedHashMap<>();

  /** Declares a key. Keys are documented in declaration order. */
  public ConfigDef define(String name, Type type, Object defaultValue, Rule rule, String doc) {
    if (keys.putIfAbsent(name, new Key(name, type, defaultValue, rule, doc)) != null) {
      throw new IllegalStateException("key declared twice: " + name);
    }
    return this;
  }

  /** Declares a key with no rule beyond its type. */
  public ConfigDef define(String name, Type type, Object defaultValue, String doc) {
    return define(name, type, defaultValue, null, doc);
  }

  /** The declared keys, in declaration order. */
  public Collection<Key> keys() {
    return Collections.unmodifiableCollection(keys.values());
  }

  /** The environment variable names of every key, for the config loader's environment store. */
  public List<String> envNames() {
    return keys.values().stream().map(Key::envName).toList();
  }

  /**
   * Moves environment variables onto their keys: {@code {"ACK_TIMEOUT_MS": 5}} becomes
   * {@code {"ack.timeout.ms": 5}}, replacing what a file said.
   */
  public JsonObject applyEnvironment(JsonObject merged) {
    JsonObject out = merged.copy();
    for (Key key : keys.values()) {
      String env = key.envName();
      if (!env.equals(key.name()) && out.containsKey(env)) {
        out.put(key.name(), out.remove(env));
      }
    }
    return out;
  }

  /**
   * Validates raw configuration and returns typed values, defaults filled in.
   *
   * @throws ConfigException for the first unknown key, wrong type or broken rule, naming key and value
   */
  public Config parse(JsonObject raw) {
    for (String name : raw.fieldNames()) {
      if (!keys.containsKey(name)) {
        throw new ConfigException(name, "unknown config key '" + name + "'" + DidYouMean.among(keys.keySet(), name)
            + "; known keys: " + String.join(", ", keys.keySet()));
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Key key : keys.values()) {
      Object value = raw.containsKey(key.name()) ? raw.getValue(key.name()) : key.defaultValue();
      if (value == null) {
        throw new ConfigException(key.name(), "missing required config key " + key.name() + " (" + key.doc()
            + "); set it in the config file or " + key.envName());
      }
      Object typed = coerce(key, value);
      if (key.rule() != null) {
        String violation = key.rule().check(typed);
        if (violation != null) {
          throw ShownProperties.secret(key.name())
              ? new ConfigException(key.name(), "invalid value for key " + key.name() + " (not shown: it is a "
                  + "secret): " + violation)
              : ConfigException.invalid(key.name(), value, violation);
        }
      }
      values.put(key.name(), typed);
    }
    return new Config(values);
  }

  /** A Markdown table of every key: for the README, generated so it cannot drift from the code. */
  public String markdownTable() {
    StringBuilder sb = new StringBuilder("| key | env | type | default | meaning |\n|---|---|---|---|---|\n");
    for (Key k : keys.values()) {
      sb.append("| `").append(k.name()).append("` | `").append(k.envName()).append("` | ")
          .append(k.type().name().toLowerCase(Locale.ROOT)).append(" | ")
          .append(k.defaultValue() == null ? "required" : "`" + k.defaultValue() + "`").append(" | ")
          .append(k.doc()).append(" |\n");
    }
    return sb.toString();
  }

  // Environment variables arrive as strings (or as numbers the env store guessed), so numbers and booleans are
  // accepted in either form; anything else is a type error naming the key.
  private static Object coerce(Key key, Object value) {
    try {
      return switch (key.type()) {
        case STRING -> {
          if (value instanceof String s) {
            yield s.trim();
          }
          if (value instanceof Number || value instanceof Boolean) {
            yield value.toString();
          }
          throw typeError(key, value);
        }
        case INT -> {
          long l = asLong(key, value);
          if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw ConfigException.invalid(key.name(), value, "must fit in a 32-bit integer");
          }
          yield (int) l;
        }
        case LONG -> asLong(key, value);
        case DOUBLE -> {
          if (value instanceof Number n) {
            yield n.doubleValue();
          }
          if (value instanceof String s) {
            yield Double.parseDouble(s.trim());
          }
          throw typeError(key, value);
        }
        case BOOLEAN -> {
          if (value instanceof Boolean b) {
            yield b;
          }
          if (value instanceof String s && Set.of("true", "false").contains(s.trim().toLowerCase(Locale.ROOT))) {
            yield Boolean.parseBoolean(s.trim());
          }
          throw typeError(key, value);
        }
        case OBJECT -> {
          if (value instanceof JsonObject o) {
            yield o.copy();
          }
          if (value instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) m;
            yield new JsonObject(new LinkedHashMap<>(map));
          }
          if (value instanceof String s && s.trim().startsWith("{")) {
            yield new JsonObject(s);
          }
          throw typeError(key, value);
        }
      };
    } catch (NumberFormatException | io.vertx.core.json.DecodeException e) {
      throw typeError(key, value);
    }
  }

  private static long asLong(Key key, Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    if (value instanceof String s) {
      return Long.parseLong(s.trim());
    }
    throw typeError(key, value);
  }

  private static ConfigException typeError(Key key, Object value) {
    if (key.type() == Type.OBJECT || ShownProperties.secret(key.name())) {
      // Client properties and tokens are credentials: the error names the key, never its text.
      return new ConfigException(key.name(), "invalid value for key " + key.name() + " (not shown: it may hold "
          + "credentials): expected " + article(key.type()));
    }
    return ConfigException.invalid(key.name(), value, "expected " + article(key.type()));
  }

  private static String article(Type type) {
    return switch (type) {
      case STRING -> "a string";
      case INT, LONG -> "a whole number";
      case DOUBLE -> "a number";
      case BOOLEAN -> "true or false";
      case OBJECT -> "a JSON object";
    };
  }

  // ---- rules ----

  /** The value is a number of at least {@code min}. */
  public static Rule atLeast(double min) {
    return v -> ((Number) v).doubleValue() >= min ? null : "must be at least " + trim(min);
  }

  /** The value is a number in {@code [min, max]}. */
  public static Rule between(double min, double max) {
    return v -> {
      double d = ((Number) v).doubleValue();
      return d >= min && d <= max ? null : "must be between " + trim(min) + " and " + trim(max);
    };
  }

  /** The value is one of the given strings. */
  public static Rule oneOf(String... allowed) {
    List<String> list = List.of(allowed);
    return v -> list.contains(v) ? null : "must be one of " + list;
  }

  /** The value is a string matching {@code regex}, described for humans as {@code what}. */
  public static Rule matches(String regex, String what) {
    Pattern p = Pattern.compile(regex);
    return v -> p.matcher((String) v).matches() ? null : "must be " + what;
  }

  /** A comma-separated list of host:port pairs. */
  public static Rule hostPorts() {
    return matches("[^,:\\s]+:\\d{1,5}(\\s*,\\s*[^,:\\s]+:\\d{1,5})*", "a comma-separated list of host:port");
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** Every rule must pass. */
  public static Rule all(Rule... rules) {
    List<Rule> list = new ArrayList<>(List.of(rules));
    return v -> {
      for (Rule r : list) {
        String violation = r.check(v);
        if (violation != null) {
          return violation;
        }
      }
      return null;
    };
  }
}

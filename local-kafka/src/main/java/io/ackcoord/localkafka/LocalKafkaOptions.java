package io.ackcoord.localkafka;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Command-line options of {@link LocalKafka}, parsed and checked once so the broker code never sees a bad
 * value. A port of {@code 0} means "pick a free port"; an empty data dir means "a fresh temporary
 * directory, deleted on exit".
 *
 * @param host          interface the listeners bind to and the host clients are told to connect to
 * @param port          PLAINTEXT (client) port, {@code 0} for a free one
 * @param controllerPort KRaft CONTROLLER port, {@code 0} for a free one
 * @param dataDir       broker storage, reused across restarts when given
 * @param overrides     extra broker properties, applied last
 */
public record LocalKafkaOptions(
    String host, int port, int controllerPort, Optional<Path> dataDir, Map<String, String> overrides) {

  /** Loopback: the broker is for this machine's tests and demos, not for the network. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Kafka's usual client port, so a plain {@code bin/local-kafka} matches the usual client defaults. */
  public static final int DEFAULT_PORT = 9092;
  /** Free port: nothing outside this JVM talks to the controller, and two brokers must not clash. */
  public static final int DEFAULT_CONTROLLER_PORT = 0;

  /** Validates every field; the message names the offending option and value. */
  public LocalKafkaOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    if (host.isBlank()) {
      throw new IllegalArgumentException("--host must not be blank");
    }
    checkPort("--port", port);
    checkPort("--controller-port", controllerPort);
    if (port != 0 && port == controllerPort) {
      throw new IllegalArgumentException("--port and --controller-port must differ, both are " + port);
    }
    overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
  }

  /**
   * Parses {@code [--port N] [--controller-port N] [--data-dir DIR] [--host H] [--override key=value]...}.
   *
   * @throws IllegalArgumentException naming the option that is unknown, lacks a value or has a bad one
   */
  public static LocalKafkaOptions parse(String... args) {
    String host = DEFAULT_HOST;
    int port = DEFAULT_PORT;
    int controllerPort = DEFAULT_CONTROLLER_PORT;
    Path dataDir = null;
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(
            option.startsWith("--") ? option + " needs a value" : "unexpected argument '" + option + "'");
      }
      String value = args[++i];
      switch (option) {
        case "--host" -> host = value;
        case "--port" -> port = parsePort(option, value);
        case "--controller-port" -> controllerPort = parsePort(option, value);
        case "--data-dir" -> dataDir = Path.of(value).toAbsolutePath().normalize();
        case "--override" -> {
          int eq = value.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--override expects key=value, got '" + value + "'");
          }
          overrides.put(value.substring(0, eq).trim(), value.substring(eq + 1).trim());
        }
        default -> throw new IllegalArgumentException("unknown option '" + option + "'");
      }
    }
    return new LocalKafkaOptions(host, port, controllerPort, Optional.ofNullable(dataDir), overrides);
  }

  private static int parsePort(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " expects a port number, got '" + value + "'", e);
    }
  }

  private static void checkPort(String option, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(option + " must be in 0..65535, got " + port);
    }
  }
}

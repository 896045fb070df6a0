package io.ackcoord.config;

/**
 * Where a verticle's HTTP server listens.
 *
 * @param host {@code http.host}; 127.0.0.1 by default so the API is not exposed by accident
 * @param port {@code http.port}; 0 picks a free port, -1 turns the server off
 */
public record HttpSettings(String host, int port) {

  public static final String HOST = "http.host";
  public static final String PORT = "http.port";

  /** Declares the HTTP keys with the component's default port. */
  public static ConfigDef define(ConfigDef def, int defaultPort) {
    return def
        .define(HOST, ConfigDef.Type.STRING, "127.0.0.1", ConfigDef.matches("\\S+", "a host name or address"),
            "Address the HTTP server binds to; 0.0.0.0 exposes it on every interface.")
        .define(PORT, ConfigDef.Type.INT, defaultPort, ConfigDef.between(-1, 65535),
            "HTTP port; 0 picks a free one, -1 turns the server off.");
  }

  /** Reads the HTTP keys. */
  public static HttpSettings from(Config c) {
    return new HttpSettings(c.getString(HOST), c.getInt(PORT));
  }

  /** Whether a server should be started at all. */
  public boolean enabled() {
    return port >= 0;
  }
}

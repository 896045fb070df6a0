package io.ackcoord.config;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a verticle's HTTP server listens, and which host names it answers to.
 *
 * @param host         {@code http.host}; 127.0.0.1 by default so the API is not exposed by accident
 * @param port         {@code http.port}; 0 picks a free port, -1 turns the server off
 * @param allowedHosts {@code http.allowed.hosts}: host names requests may name in their {@code Host} header
 *                     besides {@code localhost}, IP addresses and {@code http.host}; lower case
 */
public record HttpSettings(String host, int port, Set<String> allowedHosts) {

  public static final String HOST = "http.host";
  public static final String PORT = "http.port";
  public static final String ALLOWED_HOSTS = "http.allowed.hosts";

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  public HttpSettings {
    allowedHosts = Set.copyOf(allowedHosts);
  }

  /** Declares the HTTP keys with the component's default port. */
  public static ConfigDef define(ConfigDef def, int defaultPort) {
    return def
        .define(HOST, ConfigDef.Type.STRING, "127.0.0.1", ConfigDef.matches("\\S+", "a host name or address"),
            "Address the HTTP server binds to; 0.0.0.0 exposes it on every interface.")
        .define(PORT, ConfigDef.Type.INT, defaultPort, ConfigDef.between(-1, 65535),
            "HTTP port; 0 picks a free one, -1 turns the server off.")
        .define(ALLOWED_HOSTS, ConfigDef.Type.STRING, "",
            ConfigDef.matches("|[^,\\s]+(\\s*,\\s*[^,\\s]+)*", "a comma-separated list of host names"),
            "Host names clients use to reach this server, besides localhost, IP addresses and http.host; "
                + "a request naming any other Host gets 403 (a defence against DNS rebinding).");
  }

  /** Reads the HTTP keys. */
  public static HttpSettings from(Config c) {
    Set<String> allowed = new LinkedHashSet<>();
    Arrays.stream(c.getString(ALLOWED_HOSTS).split(","))
        .map(HttpSettings::normalize)
        .filter(h -> !h.isEmpty())
        .forEach(allowed::add);
    return new HttpSettings(c.getString(HOST), c.getInt(PORT), allowed);
  }

  /** Whether a server should be started at all. */
  public boolean enabled() {
    return port >= 0;
  }

  /**
   * Whether a request naming {@code hostName} in its {@code Host} header is for this server: {@code localhost},
   * any IP address (a browser sends one only to that address, so no DNS can have been rebound; probes by pod
   * address keep working), {@code http.host} and the names in {@code http.allowed.hosts}.
   */
  public boolean answersTo(String hostName) {
    String name = normalize(hostName);
    return name.equals("localhost") || IPV4.matcher(name).matches() || name.indexOf(':') >= 0
        || allowedHosts.contains(name) || name.equals(normalize(host));
  }

  /** Lower case, without the brackets of an IPv6 literal or a trailing dot. */
  static String normalize(String hostName) {
    String name = hostName.trim().toLowerCase(Locale.ROOT);
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }
}

package io.ackcoord.config;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a verticle's HTTP server listens, which host names it answers to, and how it is secured.
 *
 * @param host          {@code http.host}; 127.0.0.1 by default so the API is not exposed by accident
 * @param port          {@code http.port}; 0 picks a free port, -1 turns the server off
 * @param allowedHosts  {@code http.allowed.hosts}: host names requests may name in their {@code Host} header
 *                      besides {@code localhost}, IP addresses and {@code http.host}; lower case
 * @param authTokens    {@code http.auth.token}: the accepted tokens (two while rotating); empty turns token checks off
 * @param tls           {@code http.tls.*}: the PEM files; {@link Tls#NONE} for plain HTTP
 * @param insecureBind  {@code http.insecure.allow.unauthenticated.bind}: whether a non-loopback {@code http.host}
 *                      may serve without authentication
 */
public record HttpSettings(String host, int port, Set<String> allowedHosts, List<String> authTokens, Tls tls,
    boolean insecureBind) {

  public static final String HOST = "http.host";
  public static final String PORT = "http.port";
  public static final String ALLOWED_HOSTS = "http.allowed.hosts";
  public static final String AUTH_TOKEN = "http.auth.token";
  public static final String TLS_CERT = "http.tls.cert.path";
  public static final String TLS_KEY = "http.tls.key.path";
  public static final String TLS_CLIENT_CA = "http.tls.client.ca.path";
  public static final String INSECURE_BIND = "http.insecure.allow.unauthenticated.bind";

  /** Shortest token accepted: 16 random characters are beyond guessing over HTTP. */
  public static final int MIN_TOKEN_LENGTH = 16;

  private static final Pattern TOKEN = Pattern.compile("[!-~&&[^,]]+");

  /**
   * The server's PEM files; empty strings where not set.
   *
   * @param certPath     {@code http.tls.cert.path}: the server's certificate chain; set turns TLS on
   * @param keyPath      {@code http.tls.key.path}: its private key (PKCS#8 or PKCS#1, unencrypted)
   * @param clientCaPath {@code http.tls.client.ca.path}: CA certificates client certificates must chain to; set
   *                     turns mutual TLS on (a client without such a certificate cannot connect)
   */
  public record Tls(String certPath, String keyPath, String clientCaPath) {

    /** Plain HTTP. */
    public static final Tls NONE = new Tls("", "", "");

    /** Whether the server speaks HTTPS. */
    public boolean enabled() {
      return !certPath.isEmpty();
    }

    /** Whether clients must present a certificate. */
    public boolean mutual() {
      return !clientCaPath.isEmpty();
    }
  }

  public HttpSettings {
    allowedHosts = Set.copyOf(allowedHosts);
    authTokens = List.copyOf(authTokens);
  }

  /** Plain HTTP without authentication, as on loopback by default. */
  public HttpSettings(String host, int port, Set<String> allowedHosts) {
    this(host, port, allowedHosts, List.of(), Tls.NONE, false);
  }

  /** Declares the HTTP keys with the component's default port. */
  public static ConfigDef define(ConfigDef def, int defaultPort) {
    return def
        .define(HOST, ConfigDef.Type.STRING, "127.0.0.1", ConfigDef.matches("\\S+", "a host name or address"),
            "Address the HTTP server binds to; 0.0.0.0 exposes it on every interface, and any address but "
                + "loopback needs " + AUTH_TOKEN + " or " + TLS_CLIENT_CA + " (see docs/security.md).")
        .define(PORT, ConfigDef.Type.INT, defaultPort, ConfigDef.between(-1, 65535),
            "HTTP port; 0 picks a free one, -1 turns the server off.")
        .define(ALLOWED_HOSTS, ConfigDef.Type.STRING, "",
            ConfigDef.matches("|[^,\\s]+(\\s*,\\s*[^,\\s]+)*", "a comma-separated list of host names"),
            "Host names clients use to reach this server, besides localhost, IP addresses and http.host; "
                + "a request naming any other Host gets 403 (a defence against DNS rebinding).")
        .define(AUTH_TOKEN, ConfigDef.Type.STRING, "", HttpSettings::checkTokens,
            "Secret tokens every request but GET /health must carry (Authorization: Bearer, or X-Ackcoord-Token), "
                + "comma-separated so two can be valid during a rotation; each at least " + MIN_TOKEN_LENGTH
                + " characters. Empty: no token needed. Never shown.")
        .define(TLS_CERT, ConfigDef.Type.STRING, "",
            "PEM certificate (chain) of the HTTP server; set with " + TLS_KEY + " to serve HTTPS only.")
        .define(TLS_KEY, ConfigDef.Type.STRING, "", "PEM private key (unencrypted PKCS#8 or PKCS#1) for "
            + TLS_CERT + ".")
        .define(TLS_CLIENT_CA, ConfigDef.Type.STRING, "",
            "PEM CA certificate(s) client certificates must chain to; set, every client must present one "
                + "(mutual TLS, which counts as authentication). Needs " + TLS_CERT + ".")
        .define(INSECURE_BIND, ConfigDef.Type.BOOLEAN, false,
            "Allow " + HOST + " other than loopback with neither " + AUTH_TOKEN + " nor " + TLS_CLIENT_CA
                + ": anyone who reaches the port can then use the API. Off: such a start is refused.");
  }

  /**
   * Reads the HTTP keys.
   *
   * @throws ConfigException when TLS files are set only in part, or the server would listen beyond loopback with
   *                         no authentication and {@value #INSECURE_BIND} is not set
   */
  public static HttpSettings from(Config c) {
    Set<String> allowed = new LinkedHashSet<>(list(c.getString(ALLOWED_HOSTS)).stream()
        .map(HttpSettings::normalize).filter(h -> !h.isEmpty()).toList());
    Tls tls = new Tls(c.getString(TLS_CERT), c.getString(TLS_KEY), c.getString(TLS_CLIENT_CA));
    if (tls.certPath().isEmpty() != tls.keyPath().isEmpty()) {
      String missing = tls.certPath().isEmpty() ? TLS_CERT : TLS_KEY;
      throw new ConfigException(missing, "missing " + missing + ": " + TLS_CERT + " and " + TLS_KEY
          + " go together");
    }
    if (tls.mutual() && !tls.enabled()) {
      throw new ConfigException(TLS_CERT, TLS_CLIENT_CA + " is set but " + TLS_CERT + " is not: mutual TLS needs "
          + "the server's own certificate and key");
    }
    HttpSettings http = new HttpSettings(c.getString(HOST), c.getInt(PORT), allowed, list(c.getString(AUTH_TOKEN)),
        tls, c.getBoolean(INSECURE_BIND));
    String refused = http.unauthenticatedExposure();
    if (refused != null) {
      throw new ConfigException(INSECURE_BIND, refused);
    }
    return http;
  }

  /** Whether a server should be started at all. */
  public boolean enabled() {
    return port >= 0;
  }

  /** Whether requests must carry a token (or a session from one). */
  public boolean tokensRequired() {
    return !authTokens.isEmpty();
  }

  /** Whether clients are authenticated at all: by token or by certificate. */
  public boolean authenticated() {
    return tokensRequired() || tls.mutual();
  }

  /**
   * Why this server may not start as configured, or {@code null}: listening on anything but loopback with no
   * authentication lets anyone on the network submit messages, unless {@value #INSECURE_BIND} says that is meant.
   */
  String unauthenticatedExposure() {
    if (!enabled() || authenticated() || insecureBind || loopback(host)) {
      return null;
    }
    return HOST + " '" + host + "' is not a loopback address, and neither " + AUTH_TOKEN + " (env HTTP_AUTH_TOKEN) "
        + "nor " + TLS_CLIENT_CA + " is set: anyone who can reach it could use the API. Set a token, or set "
        + INSECURE_BIND + "=true if something in front of it authenticates clients";
  }

  /**
   * Whether {@code host} can only be reached from this machine: {@code localhost}, 127.0.0.0/8 or ::1. Decided on
   * the text, without a DNS lookup, so a name that resolves to loopback today but not tomorrow does not count.
   */
  static boolean loopback(String host) {
    String h = normalize(host);
    return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
        || h.startsWith("127.") && isDottedQuad(h);
  }

  /**
   * Whether a request naming {@code hostName} in its {@code Host} header is for this server: {@code localhost},
   * any IP address (a browser sends one only to that address, so no DNS can have been rebound; probes by pod
   * address keep working), {@code http.host} and the names in {@code http.allowed.hosts}.
   */
  public boolean answersTo(String hostName) {
    String name = normalize(hostName);
    return name.equals("localhost") || isDottedQuad(name) || name.indexOf(':') >= 0
        || allowedHosts.contains(name) || name.equals(normalize(host));
  }

  /** Never prints the tokens: settings end up in logs. */
  @Override
  public String toString() {
    return "HttpSettings[host=" + host + ", port=" + port + ", allowedHosts=" + allowedHosts + ", authTokens="
        + authTokens.size() + " set, tls=" + tls + ", insecureBind=" + insecureBind + "]";
  }

  // Four groups of 1 to 3 ASCII digits, dot-separated: what a Host header holds for an IPv4 address. A loop rather
  // than a regular expression: every request of A and B asks (BrowserGuard), and the matcher was a tenth of the cost
  // of a submission on A's event loop.
  static boolean isDottedQuad(String name) {
    int groups = 0;
    int digits = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= '0' && c <= '9') {
        if (++digits > 3) {
          return false;
        }
      } else if (c == '.' && digits > 0 && groups < 3) {
        groups++;
        digits = 0;
      } else {
        return false;
      }
    }
    return groups == 3 && digits > 0;
  }

  /** Lower case, without the brackets of an IPv6 literal or a trailing dot. */
  static String normalize(String hostName) {
    String name = hostName.trim().toLowerCase(Locale.ROOT);
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  private static List<String> list(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  // The violation never quotes a token: ConfigDef does not show values of secret keys either.
  private static String checkTokens(Object value) {
    List<String> tokens = list((String) value);
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      if (t.length() < MIN_TOKEN_LENGTH || !TOKEN.matcher(t).matches()) {
        return "token " + (i + 1) + " of " + tokens.size() + " must be at least " + MIN_TOKEN_LENGTH
            + " printable ASCII characters without spaces or commas";
      }
    }
    return null;
  }
}

package io.ackcoord.http;

import io.ackcoord.config.HttpSettings;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * The first handler of A's and B's routers: it keeps a web page open in the operator's browser from using that
 * browser against A or B.
 *
 * <ul>
 *   <li><b>DNS rebinding.</b> A request whose {@code Host} is not a name this server answers to
 *       ({@link HttpSettings#answersTo}) gets 403, so a page that rebound its own name to 127.0.0.1 can neither
 *       read the API nor write to it.</li>
 *   <li><b>Cross-site requests.</b> A request that can change state (any method but GET, HEAD and OPTIONS) gets
 *       403 when the browser says it comes from another site ({@code Sec-Fetch-Site}) or origin ({@code Origin}),
 *       and also when it has a form a page can send cross-site without asking first (a CORS "simple" request: no
 *       {@code Content-Type}, or {@code text/plain}, a form or multipart, and no {@code X-Ackcoord-*} header).
 *       That last rule also covers browsers that send neither header. No route answers CORS preflights, so a page
 *       cannot get permission for anything else.</li>
 *   <li><b>Headers</b> on every answer: {@code nosniff}, no framing, no referrer, resources for the same origin
 *       only, and a Content-Security-Policy that allows nothing unless the route set its own (the status page
 *       does).</li>
 * </ul>
 *
 * <p>Our own handler rather than vertx-web's {@code CorsHandler}/{@code CSRFHandler}: CORS handlers decide what
 * other origins may do, and here the answer is always "nothing"; a CSRF token would break API clients such as
 * curl. The header rules are what the OWASP CSRF cheat sheet calls verifying origin with standard headers.
 */
public final class BrowserGuard implements Handler<RoutingContext> {

  /** Headers a cross-site page can only send after a CORS preflight, which no route of ours answers. */
  public static final String CUSTOM_HEADER_PREFIX = "x-ackcoord-";

  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  /** The media types of a CORS-safelisted Content-Type. */
  private static final Set<String> SIMPLE_TYPES =
      Set.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data");
  private static final Set<String> SAME_SITE_FETCHES = Set.of("same-origin", "none");
  private static final String DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'";

  private final HttpSettings http;

  private BrowserGuard(HttpSettings http) {
    this.http = http;
  }

  /** A guard for a server configured by {@code http}. */
  public static BrowserGuard create(HttpSettings http) {
    return new BrowserGuard(http);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    secureHeaders(ctx);
    HostAndPort authority = request.authority();
    if (authority == null || !http.answersTo(authority.host())) {
      refuse(ctx, "this server does not answer to the host name "
          + (authority == null ? "(none)" : "'" + authority.host() + "'") + "; add it to "
          + HttpSettings.ALLOWED_HOSTS + " if clients use it");
      return;
    }
    if (!SAFE.contains(request.method())) {
      String problem = crossSite(request.headers(), authority);
      if (problem != null) {
        refuse(ctx, problem);
        return;
      }
    }
    ctx.next();
  }

  /** Why a state-changing request may come from another site, or {@code null} if it cannot. */
  static String crossSite(MultiMap headers, HostAndPort authority) {
    String fetchSite = headers.get("Sec-Fetch-Site");
    if (fetchSite != null && !SAME_SITE_FETCHES.contains(fetchSite.trim().toLowerCase(Locale.ROOT))) {
      return "cross-site request refused (Sec-Fetch-Site: " + fetchSite + ")";
    }
    String origin = headers.get("Origin");
    if (origin != null && !sameOrigin(origin, authority)) {
      return "request from another origin refused (Origin: " + origin + ")";
    }
    if (isSimple(headers)) {
      return "a request that changes state needs a Content-Type other than text/plain, a form or multipart, "
          + "or an X-Ackcoord-* header (such as X-Ackcoord-Id): a web page cannot send either to another origin";
    }
    return null;
  }

  private static boolean sameOrigin(String origin, HostAndPort authority) {
    URI uri;
    try {
      uri = URI.create(origin.trim());
    } catch (IllegalArgumentException e) {
      return false; // "null" (sandboxed pages, file://) and anything unparsable
    }
    if (uri.getHost() == null || uri.getScheme() == null) {
      return false;
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    int requestPort = authority.port() >= 0 ? authority.port() : port;
    return port == requestPort && stripBrackets(uri.getHost()).equalsIgnoreCase(stripBrackets(authority.host()));
  }

  private static boolean isSimple(MultiMap headers) {
    for (String name : headers.names()) {
      if (name.toLowerCase(Locale.ROOT).startsWith(CUSTOM_HEADER_PREFIX)) {
        return false;
      }
    }
    String contentType = headers.get("Content-Type");
    if (contentType == null) {
      return true;
    }
    String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return media.isEmpty() || SIMPLE_TYPES.contains(media);
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static void secureHeaders(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set("X-Content-Type-Options", "nosniff")
        .set("X-Frame-Options", "DENY")
        .set("Referrer-Policy", "no-referrer")
        .set("Cross-Origin-Resource-Policy", "same-origin");
    // Last thing before the headers go: a route (the status page) may have set a policy of its own.
    ctx.addHeadersEndHandler(v -> {
      if (!headers.contains("Content-Security-Policy")) {
        headers.set("Content-Security-Policy", DEFAULT_CSP);
      }
    });
  }

  private static void refuse(RoutingContext ctx, String reason) {
    Refusals.send(ctx, 403, new JsonObject().put("error", reason));
  }
}

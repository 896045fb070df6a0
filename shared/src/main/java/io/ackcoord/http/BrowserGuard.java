package io.ackcoord.http;

import io.ackcoord.config.HttpSettings;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
  private static final List<String> SIMPLE_TYPES =
      List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data");
  private static final Set<String> SAME_SITE_FETCHES = Set.of("same-origin", "none");
  // Encoded once: these go on every answer.
  private static final CharSequence DEFAULT_CSP =
      HttpHeaders.createOptimized("default-src 'none'; frame-ancestors 'none'");
  private static final CharSequence CSP = HttpHeaders.createOptimized("Content-Security-Policy");
  private static final CharSequence NOSNIFF_NAME = HttpHeaders.createOptimized("X-Content-Type-Options");
  private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
  private static final CharSequence FRAME_NAME = HttpHeaders.createOptimized("X-Frame-Options");
  private static final CharSequence DENY = HttpHeaders.createOptimized("DENY");
  private static final CharSequence REFERRER_NAME = HttpHeaders.createOptimized("Referrer-Policy");
  private static final CharSequence NO_REFERRER = HttpHeaders.createOptimized("no-referrer");
  private static final CharSequence CORP_NAME = HttpHeaders.createOptimized("Cross-Origin-Resource-Policy");
  private static final CharSequence SAME_ORIGIN = HttpHeaders.createOptimized("same-origin");

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

  // The Content-Type first: an API client's (application/json, octet-stream) settles it without a look at the other
  // headers, on the path every submission takes.
  private static boolean isSimple(MultiMap headers) {
    String contentType = headers.get(HttpHeaders.CONTENT_TYPE);
    if (contentType != null && !isSimpleType(contentType)) {
      return false;
    }
    for (Map.Entry<String, String> header : headers) {
      String name = header.getKey();
      if (name.regionMatches(true, 0, CUSTOM_HEADER_PREFIX, 0, CUSTOM_HEADER_PREFIX.length())) {
        return false;
      }
    }
    return true;
  }

  /** Whether a Content-Type's media type (before any {@code ;}) is empty or CORS-safelisted. */
  static boolean isSimpleType(String contentType) {
    String media = ContentTypes.mediaType(contentType);
    if (media.isEmpty()) {
      return true;
    }
    for (String simple : SIMPLE_TYPES) {
      if (media.equalsIgnoreCase(simple)) {
        return true;
      }
    }
    return false;
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static void secureHeaders(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set(NOSNIFF_NAME, NOSNIFF)
        .set(FRAME_NAME, DENY)
        .set(REFERRER_NAME, NO_REFERRER)
        .set(CORP_NAME, SAME_ORIGIN);
    // Last thing before the headers go: a route (the status page) may have set a policy of its own.
    ctx.addHeadersEndHandler(v -> {
      if (!headers.contains(CSP)) {
        headers.set(CSP, DEFAULT_CSP);
      }
    });
  }

  private static void refuse(RoutingContext ctx, String reason) {
    Refusals.send(ctx, 403, new JsonObject().put("error", reason));
  }
}

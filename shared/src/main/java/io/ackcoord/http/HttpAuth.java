package io.ackcoord.http;

import io.ackcoord.config.HttpSettings;
import io.ackcoord.time.Clock;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The second handler of A's and B's routers, right after {@link BrowserGuard}: with {@code http.auth.token} set,
 * every request must be authenticated, by any of
 * <ul>
 *   <li>{@code Authorization: Bearer <token>} (API clients, probes with credentials);</li>
 *   <li>{@code X-Ackcoord-Token: <token>};</li>
 *   <li>the session cookie the status page's login sets ({@link #mountLogin}): a browser's {@code EventSource}
 *       cannot send headers, so the page's event stream needs a cookie.</li>
 * </ul>
 * Anything else gets 401 with {@code WWW-Authenticate: Bearer} and no detail, except the public paths: the
 * probes {@code GET /health}, {@code /health/live} and {@code /health/ready} (orchestrators' probes seldom carry
 * credentials; their handlers show details only to {@link #authenticated} requests), and with a login page, that
 * page and its assets; an unauthenticated {@code GET /} is redirected to the login page.
 *
 * <p>The cookie is {@code HttpOnly}, {@code SameSite=Strict} and, under TLS, {@code Secure}; its name carries the
 * server's port, since browsers share cookies across ports and A and B (or two As) may run on one host. A cookie does
 * not weaken CSRF protection: {@link BrowserGuard} runs first and refuses cross-site state changes whatever
 * credentials they carry, and the login itself is a JSON POST, which no other site can send.
 *
 * <p>Our own handler rather than vertx-web's {@code APIKeyHandler} and {@code ChainAuthHandler}: three credential
 * sources, public paths and a login route would need a chain of handlers and a failure handler to shape the 401,
 * more code than the check itself. With mutual TLS only (no tokens), the TLS handshake has already authenticated the
 * client and this handler lets every request through.
 */
public final class HttpAuth implements Handler<RoutingContext> {

  /** Header carrying a token, for clients that do not speak {@code Authorization: Bearer}. */
  public static final String TOKEN_HEADER = "X-Ackcoord-Token";
  /** Where the status page posts {@code {"token": "..."}}. */
  public static final String LOGIN_PATH = "/login";
  /** Where the status page posts to end its session. */
  public static final String LOGOUT_PATH = "/logout";
  /** The liveness probe, open to all. */
  public static final String HEALTH_PATH = "/health";
  /** How long a login lasts. */
  public static final Duration SESSION_TTL = Duration.ofHours(12);

  static final String COOKIE_PREFIX = "ackcoord_session_";
  private static final int MAX_SESSIONS = 1_000;
  private static final String AUTHENTICATED = "ackcoord.authenticated";
  private static final String PRINCIPAL = "ackcoord.principal";
  private static final String BEARER = "bearer ";

  private final HttpSettings http;
  private final Tokens tokens;
  private final Sessions sessions;
  private final Set<String> publicPaths =
      new HashSet<>(Set.of(HEALTH_PATH, HealthProbes.LIVE_PATH, HealthProbes.READY_PATH));
  private String loginPage;

  private HttpAuth(HttpSettings http, Clock clock) {
    this.http = http;
    this.tokens = new Tokens(http.authTokens());
    this.sessions = new Sessions(clock, SESSION_TTL.toMillis(), MAX_SESSIONS);
  }

  /** The authentication of a server configured by {@code http}; sessions expire on {@code clock}. */
  public static HttpAuth create(HttpSettings http, Clock clock) {
    return new HttpAuth(http, clock);
  }

  /**
   * Serves a login page to browsers: an unauthenticated {@code GET /} is redirected to {@code page}, which, like
   * {@code assets}, can be fetched without a token. The caller serves those paths, after this handler.
   */
  public HttpAuth withLoginPage(String page, Set<String> assets) {
    this.loginPage = page;
    publicPaths.add(page);
    publicPaths.addAll(assets);
    return this;
  }

  /**
   * Adds {@code POST /login} (body {@code {"token": "..."}}; 204 with the session cookie, or 401) and
   * {@code POST /logout} to {@code router}, after this handler. Both are state changes, so {@link BrowserGuard}
   * admits them only from the same origin and with a non-simple content type.
   */
  public void mountLogin(Router router) {
    router.post(LOGIN_PATH).handler(BodyHandler.create(false).setBodyLimit(4096)).handler(this::login);
    router.post(LOGOUT_PATH).handler(ctx -> {
      Cookie cookie = ctx.request().getCookie(cookieName(ctx.request()));
      sessions.close(cookie == null ? null : cookie.getValue());
      ctx.response().addCookie(sessionCookie(ctx.request(), "").setMaxAge(0));
      ctx.response().setStatusCode(204).end();
    });
  }

  /** Whether this request was authenticated (always, with no tokens configured); for handlers of public paths. */
  public static boolean authenticated(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(AUTHENTICATED));
  }

  /**
   * Who sent this request, for audit lines: the credential that authenticated it ({@code token #2}, the 1-based
   * place of the token in {@code http.auth.token}; {@code session of token #1}; the client certificate's subject
   * under mutual TLS; {@code anonymous} with authentication off) and the client's address. Never a secret.
   */
  public static String principal(RoutingContext ctx) {
    String who = ctx.get(PRINCIPAL);
    String subject = clientSubject(ctx.request());
    if (who == null) {
      who = subject != null ? subject : "anonymous";
    } else if (subject != null) {
      who = who + ", " + subject;
    }
    var remote = ctx.request().remoteAddress();
    return remote == null ? who : who + " from " + remote.hostAddress();
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String principal = tokens.any() ? credentialsOf(request) : null;
    if (!tokens.any() || principal != null) {
      ctx.put(AUTHENTICATED, true);
      if (principal != null) {
        ctx.put(PRINCIPAL, principal);
      }
      ctx.next();
      return;
    }
    ctx.put(AUTHENTICATED, false);
    boolean read = request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
    String path = request.path();
    if (read && publicPaths.contains(path) || request.method() == HttpMethod.POST
        && (path.equals(LOGIN_PATH) || path.equals(LOGOUT_PATH)) && loginPage != null) {
      ctx.next();
    } else if (read && loginPage != null && path.equals("/")) {
      ctx.response().setStatusCode(303).putHeader("Location", loginPage).putHeader("Cache-Control", "no-store")
          .end();
    } else {
      unauthorized(ctx);
    }
  }

  // Who the request's credentials name (see principal()), or null when they are missing or wrong.
  private String credentialsOf(HttpServerRequest request) {
    String authorization = request.getHeader("Authorization");
    if (authorization != null && authorization.length() > BEARER.length()
        && authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return tokenName(tokens.indexOf(authorization.substring(BEARER.length()).trim()));
    }
    String header = request.getHeader(TOKEN_HEADER);
    if (header != null) {
      return tokenName(tokens.indexOf(header.trim()));
    }
    Cookie cookie = request.getCookie(cookieName(request));
    return cookie == null ? null : sessions.principal(cookie.getValue());
  }

  private static String tokenName(int index) {
    return index < 0 ? null : "token #" + (index + 1);
  }

  // Under mutual TLS the handshake named the client: its certificate's subject.
  private static String clientSubject(HttpServerRequest request) {
    if (!request.isSSL()) {
      return null;
    }
    try {
      var certificates = request.connection().peerCertificates();
      if (certificates != null && !certificates.isEmpty()
          && certificates.get(0) instanceof java.security.cert.X509Certificate x509) {
        return "client certificate " + x509.getSubjectX500Principal().getName();
      }
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      // No client certificate: TLS without client authentication.
    }
    return null;
  }

  private void login(RoutingContext ctx) {
    String token;
    try {
      JsonObject body = ctx.body().asJsonObject();
      token = body == null ? null : body.getString("token");
    } catch (DecodeException | ClassCastException e) {
      token = null;
    }
    String name = tokenName(tokens.indexOf(token));
    if (name == null) {
      unauthorized(ctx);
      return;
    }
    ctx.response().addCookie(sessionCookie(ctx.request(), sessions.open("session of " + name))
        .setMaxAge(sessions.ttlSeconds()));
    ctx.response().putHeader("Cache-Control", "no-store").setStatusCode(204).end();
  }

  private Cookie sessionCookie(HttpServerRequest request, String value) {
    return Cookie.cookie(cookieName(request), value).setPath("/").setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT).setSecure(http.tls().enabled());
  }

  private static String cookieName(HttpServerRequest request) {
    return COOKIE_PREFIX + request.localAddress().port();
  }

  // The same answer for a missing, wrong or expired credential: nothing tells a prober which it was.
  private static void unauthorized(RoutingContext ctx) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"ackcoord\"");
    Refusals.send(ctx, 401, new JsonObject().put("error", "authentication required"));
  }
}

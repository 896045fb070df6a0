package io.ackcoord.http;

import io.ackcoord.time.Clock;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The status page's login sessions: random ids, each valid for a fixed time from login, held in memory only (a
 * restart, which is also how tokens change, logs everyone out). At most {@code max} are kept; a login beyond that
 * first forgets expired sessions, then the one closest to expiry, so logins cannot grow memory without bound.
 */
final class Sessions {

  private static final int ID_BYTES = 32;

  private final Clock clock;
  private final long ttlMillis;
  private final int max;
  private final SecureRandom random = new SecureRandom();
  /** Session id (base64url of 256 random bits) to when it expires (monotonic) and who signed in. */
  private final Map<String, Session> expiries = new ConcurrentHashMap<>();

  private record Session(long expiry, String principal) implements Comparable<Session> {
    @Override
    public int compareTo(Session other) {
      return Long.compare(expiry, other.expiry);
    }
  }

  Sessions(Clock clock, long ttlMillis, int max) {
    this.clock = clock;
    this.ttlMillis = ttlMillis;
    this.max = max;
  }

  /** Opens a session and returns its id, for the cookie. */
  String open() {
    return open("session");
  }

  /** Opens a session for {@code principal} (what audit lines call whoever signed in) and returns its id. */
  String open(String principal) {
    long now = clock.monotonicMillis();
    if (expiries.size() >= max) {
      expiries.values().removeIf(session -> session.expiry() <= now);
      while (expiries.size() >= max) {
        expiries.entrySet().stream().min(Map.Entry.comparingByValue())
            .ifPresent(oldest -> expiries.remove(oldest.getKey()));
      }
    }
    byte[] bytes = new byte[ID_BYTES];
    random.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    expiries.put(id, new Session(now + ttlMillis, principal));
    return id;
  }

  /** Whether {@code id} names an open, unexpired session; an expired one is forgotten. */
  boolean valid(String id) {
    return principal(id) != null;
  }

  /** Who signed in to the open, unexpired session {@code id}, or {@code null}; an expired one is forgotten. */
  String principal(String id) {
    if (id == null) {
      return null;
    }
    Session session = expiries.get(id);
    if (session == null) {
      return null;
    }
    if (session.expiry() <= clock.monotonicMillis()) {
      expiries.remove(id);
      return null;
    }
    return session.principal();
  }

  /** Closes a session (logout). */
  void close(String id) {
    if (id != null) {
      expiries.remove(id);
    }
  }

  /** How long a session lasts, in seconds, for the cookie's {@code Max-Age}. */
  long ttlSeconds() {
    return ttlMillis / 1000;
  }
}

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
  /** Session id (base64url of 256 random bits) to the monotonic time it expires at. */
  private final Map<String, Long> expiries = new ConcurrentHashMap<>();

  Sessions(Clock clock, long ttlMillis, int max) {
    this.clock = clock;
    this.ttlMillis = ttlMillis;
    this.max = max;
  }

  /** Opens a session and returns its id, for the cookie. */
  String open() {
    long now = clock.monotonicMillis();
    if (expiries.size() >= max) {
      expiries.values().removeIf(expiry -> expiry <= now);
      while (expiries.size() >= max) {
        expiries.entrySet().stream().min(Map.Entry.comparingByValue())
            .ifPresent(oldest -> expiries.remove(oldest.getKey()));
      }
    }
    byte[] bytes = new byte[ID_BYTES];
    random.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    expiries.put(id, now + ttlMillis);
    return id;
  }

  /** Whether {@code id} names an open, unexpired session; an expired one is forgotten. */
  boolean valid(String id) {
    if (id == null) {
      return false;
    }
    Long expiry = expiries.get(id);
    if (expiry == null) {
      return false;
    }
    if (expiry <= clock.monotonicMillis()) {
      expiries.remove(id);
      return false;
    }
    return true;
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

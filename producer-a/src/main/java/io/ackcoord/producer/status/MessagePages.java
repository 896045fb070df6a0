package io.ackcoord.producer.status;

import io.ackcoord.producer.tracker.MessageState;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.producer.tracker.SeqIndex;
import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.time.Clock;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code GET /api/messages?state=pending|acked|dead&limit=&cursor=}: one page of messages, with the cursor of the
 * next.
 *
 * <ul>
 *   <li>{@code pending}: oldest first (accept order), each with its attempt, age and time to its next re-send or
 *       dead letter;</li>
 *   <li>{@code acked}, {@code dead}: newest first (finish order), from the bounded history ({@code history.max}).</li>
 * </ul>
 *
 * <p>{@code cursor} is the {@code nextCursor} of the previous page (opaque; today a sequence number). A page costs
 * a binary search plus what it returns, however many messages there are. A message that finishes (or is forgotten)
 * between two pages simply no longer appears; none is shown twice, none that stayed is skipped, and messages accepted
 * after the first page appear at the end of the pending list. {@code total} is the size of the list now.
 */
final class MessagePages {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 1000;

  /** A query parameter that cannot be used; the message says which and why (HTTP 400). */
  static final class BadQuery extends RuntimeException {
    BadQuery(String message) {
      super(message);
    }
  }

  private final MessageTracker tracker;
  private final Clock clock;

  MessagePages(MessageTracker tracker, Clock clock) {
    this.tracker = tracker;
    this.clock = clock;
  }

  /**
   * One page for the given query parameters.
   *
   * @throws BadQuery for an unknown state or a malformed limit or cursor
   */
  JsonObject page(MultiMap query) {
    String state = single(query, "state", "pending");
    int limit = (int) number(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    long cursor = number(query, "cursor", -1, 1, Long.MAX_VALUE);
    SeqIndex.Page page;
    long total;
    switch (state) {
      case "pending" -> {
        page = tracker.pendingPage(cursor < 0 ? 0 : cursor, limit);
        total = tracker.pendingCount();
      }
      case "acked", "dead" -> {
        MessageState s = state.equals("acked") ? MessageState.ACKED : MessageState.DEAD_LETTERED;
        page = tracker.finishedPage(s, cursor < 0 ? Long.MAX_VALUE : cursor, limit);
        total = -1;
      }
      default -> throw new BadQuery("invalid state '" + state + "': must be pending, acked or dead");
    }
    boolean pending = state.equals("pending");
    JsonArray items = new JsonArray();
    long now = clock.monotonicMillis();
    for (TrackedMessage m : page.items()) {
      items.add(pending ? pendingItem(m, now) : finishedItem(m));
    }
    String next = null;
    if (page.more() && !page.items().isEmpty()) {
      TrackedMessage last = page.items().get(page.items().size() - 1);
      next = Long.toString(pending ? last.acceptSeq() : last.finishSeq());
    }
    JsonObject json = new JsonObject().put("state", state).put("order", pending ? "oldest first" : "newest first")
        .put("limit", limit).put("count", items.size());
    if (total >= 0) {
      json.put("total", total);
    }
    return json.put("items", items).put("nextCursor", next);
  }

  private JsonObject pendingItem(TrackedMessage m, long now) {
    JsonObject json = new JsonObject().put("id", m.id()).put("state", m.state().name()).put("attempt", m.attempt())
        .put("acceptedAt", m.acceptedAt()).put("ageMs", now - m.acceptedAtMonotonic());
    String next = switch (m.state()) {
      case AWAITING_REPLY -> tracker.policy().isLast(m.attempt()) ? "dead-letter" : "resend";
      case WAITING_RESEND -> "resend";
      default -> "confirm-send"; // SENDING: waiting for the broker; no timer runs yet
    };
    json.put("next", next);
    if (m.deadline() != Long.MAX_VALUE) {
      json.put("nextInMs", Math.max(0, m.deadline() - now));
    }
    return json;
  }

  private static JsonObject finishedItem(TrackedMessage m) {
    JsonObject json = new JsonObject().put("id", m.id()).put("state", m.state().name()).put("attempts", m.attempt())
        .put("acceptedAt", m.acceptedAt()).put("finishedAt", m.finishedAt()).put("latencyMs", m.latencyMillis());
    if (m.reason() != null) {
      json.put("reason", m.reason());
    }
    return json;
  }

  private static String single(MultiMap query, String name, String fallback) {
    var values = query.getAll(name);
    if (values.size() > 1) {
      throw new BadQuery("parameter '" + name + "' given " + values.size() + " times");
    }
    return values.isEmpty() || values.get(0).isBlank() ? fallback : values.get(0).trim();
  }

  private static long number(MultiMap query, String name, long fallback, long min, long max) {
    String raw = single(query, name, null);
    if (raw == null) {
      return fallback;
    }
    try {
      long v = Long.parseLong(raw);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadQuery("invalid " + name + " '" + raw + "': must be a whole number in [" + min + ", "
        + (max == Long.MAX_VALUE ? "2^63-1" : Long.toString(max)) + "]"
        + (name.equals("cursor") ? " (use the nextCursor of the previous page)" : ""));
  }
}

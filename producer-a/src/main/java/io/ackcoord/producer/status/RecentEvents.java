package io.ackcoord.producer.status;

import io.ackcoord.producer.tracker.TrackedMessage;
import io.ackcoord.producer.tracker.TrackerListener;
import io.ackcoord.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The most recent re-sends, dead letters and cancels, with their reasons, in a fixed-size ring: what the status page lists
 * under "what is being retried, and why". Older events fall off; each message's full history stays available from
 * the tracker ({@code GET /api/messages/{id}}) while it is remembered. Not thread-safe (A's event loop).
 */
public final class RecentEvents implements TrackerListener {

  /** What happened. */
  public enum Kind {
    RESEND, DEAD_LETTER, CANCELLED
  }

  /**
   * One re-send or dead letter.
   *
   * @param at      wall-clock millis
   * @param attempt the new attempt (re-send) or the last one (dead letter)
   * @param reason  what became of the previous attempt, or why the message was given up on
   */
  public record Event(Kind kind, String id, int attempt, long at, String reason) {
  }

  private final Clock clock;
  private final Event[] ring;
  private long total;

  /** @param capacity how many events to keep */
  public RecentEvents(Clock clock, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.clock = clock;
    this.ring = new Event[capacity];
  }

  /** Keeps one event, dropping the oldest when full. */
  public void add(Event event) {
    ring[(int) (total % ring.length)] = event;
    total++;
  }

  /** Up to {@code n} events, newest first. */
  public List<Event> latest(int n) {
    int count = (int) Math.min(Math.min(n, ring.length), total);
    List<Event> out = new ArrayList<>(count);
    for (long i = total - 1; i >= total - count; i--) {
      out.add(ring[(int) (i % ring.length)]);
    }
    return out;
  }

  /** Events seen since start, kept or not. */
  public long total() {
    return total;
  }

  @Override
  public void resent(TrackedMessage message, String reason) {
    add(new Event(Kind.RESEND, message.id(), message.attempt(), clock.wallMillis(), reason));
  }

  @Override
  public void deadLettered(TrackedMessage message) {
    add(new Event(Kind.DEAD_LETTER, message.id(), message.attempt(), clock.wallMillis(), message.reason()));
  }

  @Override
  public void cancelled(TrackedMessage message) {
    add(new Event(Kind.CANCELLED, message.id(), message.attempt(), clock.wallMillis(), message.reason()));
  }
}

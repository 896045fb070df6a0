package io.ackcoord.producer.tracker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What operators did to messages (cancels, redrives) and what followed (a reply to a cancelled message), by id, for
 * the message's history on the status page. Kept apart from {@link TrackedMessage}: few messages ever have a note,
 * and a redrive starts a new {@code TrackedMessage} under the same id, whose history must still say where it came
 * from. Bounded: at most {@code maxIds} ids (the least recently noted is dropped) and {@value #PER_ID} notes per id
 * (the oldest is dropped). Not thread-safe (A's event loop).
 */
public final class OperatorNotes {

  /** Notes kept per id. */
  static final int PER_ID = 20;

  /**
   * One note.
   *
   * @param at   wall-clock millis
   * @param text what happened, with who did it
   */
  public record Note(long at, String text) {
  }

  private final Map<String, List<Note>> notes;

  OperatorNotes(int maxIds) {
    this.notes = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, List<Note>> eldest) {
        return size() > maxIds;
      }
    };
  }

  void add(String id, long at, String text) {
    List<Note> list = notes.computeIfAbsent(id, k -> new ArrayList<>(2));
    if (list.size() == PER_ID) {
      list.remove(0);
    }
    list.add(new Note(at, text));
  }

  /** The notes on {@code id}, oldest first; empty when none. */
  List<Note> of(String id) {
    List<Note> list = notes.get(id);
    return list == null ? List.of() : List.copyOf(list);
  }
}

package io.ackcoord.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fields of a flat JSON object, as scalars (String, Number, Boolean, or {@code null}); a nested object or
 * array is skipped and stands as {@link #NESTED}, except a top-level {@code "replies"} array, whose objects are
 * read as entries ({@code null} for an element that is not an object). A repeated field keeps its last value.
 */
final class ReplyFields {

  private static final JsonFactory JSON = new JsonFactory();
  private static final Object NESTED = new Object() {
    @Override
    public String toString() {
      return "(object or array)";
    }
  };

  private String[] names = new String[8];
  private Object[] values = new Object[8];
  private int size;
  private List<ReplyFields> entries;

  static ReplyFields parse(byte[] bytes) throws InvalidRecordException {
    if (bytes == null || bytes.length == 0) {
      throw new InvalidRecordException("empty reply");
    }
    try (JsonParser p = JSON.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidRecordException("reply is not a JSON object");
      }
      ReplyFields fields = object(p, true);
      if (p.nextToken() != null) {
        throw new InvalidRecordException("reply is not a JSON object: trailing content");
      }
      return fields;
    } catch (IOException e) {
      throw new InvalidRecordException("reply is not a JSON object: " + e.getMessage());
    }
  }

  /** Reads an object whose START_OBJECT was just read, up to its END_OBJECT. */
  private static ReplyFields object(JsonParser p, boolean top) throws IOException {
    ReplyFields fields = new ReplyFields();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      Object value = switch (t) {
        case VALUE_STRING -> p.getText();
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
        case VALUE_TRUE -> Boolean.TRUE;
        case VALUE_FALSE -> Boolean.FALSE;
        case VALUE_NULL -> null;
        default -> {
          if (top && t == JsonToken.START_ARRAY && name.equals("replies")) {
            fields.entries = entries(p);
          } else {
            p.skipChildren();
          }
          yield NESTED;
        }
      };
      fields.put(name, value);
    }
    return fields;
  }

  private static List<ReplyFields> entries(JsonParser p) throws IOException {
    List<ReplyFields> entries = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.START_OBJECT) {
        entries.add(object(p, false));
      } else {
        p.skipChildren();
        entries.add(null);
      }
    }
    return entries;
  }

  // A reply has a handful of fields: a linear scan beats hashing them.
  private void put(String name, Object value) {
    for (int i = 0; i < size; i++) {
      if (names[i].equals(name)) {
        values[i] = value;
        return;
      }
    }
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    names[size] = name;
    values[size++] = value;
  }

  /** The last value of {@code name}, or {@code null}. */
  Object get(String name) {
    for (int i = 0; i < size; i++) {
      if (names[i].equals(name)) {
        return values[i];
      }
    }
    return null;
  }

  /** The objects of a top-level {@code "replies"} array, or {@code null} when there is none. */
  List<ReplyFields> entries() {
    return entries;
  }
}

package io.ackcoord.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Arrays;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Reads and writes {@link Reply} records on topic 2: key = message id, value = a small JSON document with a
 * {@code "v"} version field, sent to the partition the envelope named so each A reads only its own replies.
 *
 * <p>Example: {@code {"v":1,"type":"NACK","id":"…","producer":"a1","attempt":2,"consumer":"b-1","at":1732…,
 * "reason":"db down","retryable":true}}.
 */
public final class ReplyCodec {

  private ReplyCodec() {
  }

  /** The record for a reply, bound for the partition its producer reads. */
  public static ProducerRecord<String, byte[]> toRecord(String topic, int partition, Reply r) {
    return new ProducerRecord<>(topic, partition, r.id(), encode(r));
  }

  /** The JSON bytes of a reply. */
  public static byte[] encode(Reply r) {
    JsonObject json = new JsonObject()
        .put("v", Reply.VERSION)
        .put("type", r.type().name())
        .put("id", r.id())
        .put("producer", r.producerId())
        .put("attempt", r.attempt())
        .put("at", r.atMillis());
    if (r.consumerId() != null) {
      json.put("consumer", r.consumerId());
    }
    switch (r.type()) {
      case NACK -> json.put("reason", r.reason()).put("retryable", r.retryable());
      case IN_PROGRESS -> json.put("extendMs", r.extendMillis());
      case ACK -> { }
    }
    return json.toBuffer().getBytes();
  }

  /**
   * Parses a record read from topic 2.
   *
   * @throws InvalidRecordException naming the field that is missing or malformed
   */
  public static Reply fromRecord(ConsumerRecord<String, byte[]> record) throws InvalidRecordException {
    return decode(record.value());
  }

  /** Parses reply JSON bytes. */
  public static Reply decode(byte[] value) throws InvalidRecordException {
    if (value == null || value.length == 0) {
      throw new InvalidRecordException("empty reply");
    }
    // A reads one reply per message: stream the fields into place rather than build a document per reply.
    Fields json = Fields.parse(value);
    Object v = json.get("v");
    if (!(v instanceof Number n) || n.intValue() != Reply.VERSION) {
      throw new InvalidRecordException("unsupported reply version '" + v + "' (this build reads version 1)");
    }
    Reply.Type type;
    String rawType = string(json, "type");
    try {
      type = Reply.Type.valueOf(rawType);
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException("unknown reply type '" + rawType + "'");
    }
    long extend = 0;
    if (type == Reply.Type.IN_PROGRESS) {
      extend = number(json, "extendMs");
      if (extend <= 0) {
        throw new InvalidRecordException("extendMs must be > 0, was " + extend);
      }
    }
    long attempt = number(json, "attempt");
    if (attempt < 1 || attempt > Integer.MAX_VALUE) {
      throw new InvalidRecordException("attempt out of range: " + attempt);
    }
    return new Reply(
        type,
        string(json, "id"),
        string(json, "producer"),
        (int) attempt,
        json.get("consumer") instanceof String s ? s : null,
        json.get("at") instanceof Number at ? at.longValue() : 0L,
        type == Reply.Type.NACK ? string(json, "reason") : null,
        type == Reply.Type.NACK && Boolean.TRUE.equals(json.get("retryable")),
        extend);
  }

  /**
   * The top-level fields of a flat JSON object, as scalars (String, Number, Boolean, or {@code null}); a nested
   * object or array is skipped and stands as {@link #NESTED}. A repeated field keeps its last value.
   */
  private static final class Fields {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Object NESTED = new Object() {
      @Override
      public String toString() {
        return "(object or array)";
      }
    };

    private String[] names = new String[10];
    private Object[] values = new Object[10];
    private int size;

    static Fields parse(byte[] bytes) throws InvalidRecordException {
      Fields fields = new Fields();
      try (JsonParser p = JSON.createParser(bytes)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new InvalidRecordException("reply is not a JSON object");
        }
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
              p.skipChildren();
              yield NESTED;
            }
          };
          fields.put(name, value);
        }
        if (p.nextToken() != null) {
          throw new InvalidRecordException("reply is not a JSON object: trailing content");
        }
      } catch (IOException e) {
        throw new InvalidRecordException("reply is not a JSON object: " + e.getMessage());
      }
      return fields;
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

    Object get(String name) {
      for (int i = 0; i < size; i++) {
        if (names[i].equals(name)) {
          return values[i];
        }
      }
      return null;
    }
  }

  private static String string(Fields json, String field) throws InvalidRecordException {
    Object value = json.get(field);
    if (!(value instanceof String s) || s.isEmpty()) {
      throw new InvalidRecordException("reply field '" + field + "' missing or not a string: " + value);
    }
    return s;
  }

  private static long number(Fields json, String field) throws InvalidRecordException {
    Object value = json.get(field);
    if (!(value instanceof Number n)) {
      throw new InvalidRecordException("reply field '" + field + "' missing or not a number: " + value);
    }
    return n.longValue();
  }
}

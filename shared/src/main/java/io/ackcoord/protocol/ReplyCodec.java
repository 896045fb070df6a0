package io.ackcoord.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Reads and writes {@link Reply} records on topic 2, sent to the partition the envelope named so each A reads only
 * its own replies. Two versions, both read:
 *
 * <ul>
 *   <li>v2 (what B writes for ACK/NACK): many replies for one producer in one record, key = producer id:
 *       {@code {"v":2,"producer":"a1","consumer":"b-1","at":1732…,"replies":[{"type":"ACK","id":"…","attempt":1},
 *       {"type":"NACK","id":"…","attempt":2,"reason":"db down","retryable":true}]}}.</li>
 *   <li>v1 (IN_PROGRESS, and records written before v2): one reply, key = message id:
 *       {@code {"v":1,"type":"NACK","id":"…","producer":"a1","attempt":2,"consumer":"b-1","at":1732…,
 *       "reason":"db down","retryable":true}}.</li>
 * </ul>
 *
 * <p>Both are encoded and decoded by streaming (Jackson's generator and parser): no document per reply.
 */
public final class ReplyCodec {

  /** The version of a batch record. */
  public static final int BATCH_VERSION = 2;
  /** Replies in one batch record at most. */
  public static final int MAX_BATCH_REPLIES = 2000;
  /**
   * Bytes of one batch record at most, as {@link #estimatedBytes} counts them: half the broker's default
   * {@code max.message.bytes} (1 MB), so a batch never comes near it.
   */
  public static final int MAX_BATCH_BYTES = 512 * 1024;

  private static final JsonFactory JSON = new JsonFactory();

  private ReplyCodec() {
  }

  /** What a record on topic 2 holds: the replies that were valid, and why the others were not. */
  public record Decoded(List<Reply> replies, List<String> invalid) {
  }

  /** The v1 record for one reply, bound for the partition its producer reads (key = message id). */
  public static ProducerRecord<String, byte[]> toRecord(String topic, int partition, Reply r) {
    return new ProducerRecord<>(topic, partition, r.id(), encode(r));
  }

  /**
   * The v2 record for many replies to one producer (key = producer id). Each reply's own consumer and time are
   * replaced by the batch's. Keep the batch within {@link #MAX_BATCH_REPLIES} and {@link #MAX_BATCH_BYTES}.
   */
  public static ProducerRecord<String, byte[]> toBatchRecord(String topic, int partition, String producerId,
      String consumerId, long atMillis, List<Reply> replies) {
    return new ProducerRecord<>(topic, partition, producerId, encodeBatch(producerId, consumerId, atMillis, replies));
  }

  /**
   * An upper bound of the bytes {@code r} adds to a batch record (every character counted as a six-byte JSON
   * escape), for splitting batches before they are encoded.
   */
  public static int estimatedBytes(Reply r) {
    int chars = r.id().length() + (r.reason() == null ? 0 : r.reason().length());
    return 80 + 6 * chars;
  }

  /** The v1 JSON bytes of one reply. */
  public static byte[] encode(Reply r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", Reply.VERSION);
      g.writeStringField("type", r.type().name());
      g.writeStringField("id", r.id());
      g.writeStringField("producer", r.producerId());
      g.writeNumberField("attempt", r.attempt());
      g.writeNumberField("at", r.atMillis());
      if (r.consumerId() != null) {
        g.writeStringField("consumer", r.consumerId());
      }
      writeOutcome(g, r);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The v2 JSON bytes of a batch of replies to {@code producerId}. */
  public static byte[] encodeBatch(String producerId, String consumerId, long atMillis, List<Reply> replies) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 64 * replies.size());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", BATCH_VERSION);
      g.writeStringField("producer", producerId);
      if (consumerId != null) {
        g.writeStringField("consumer", consumerId);
      }
      g.writeNumberField("at", atMillis);
      g.writeArrayFieldStart("replies");
      for (Reply r : replies) {
        if (!r.producerId().equals(producerId)) {
          throw new IllegalArgumentException("reply for " + r.producerId() + " in a batch for " + producerId);
        }
        g.writeStartObject();
        g.writeStringField("type", r.type().name());
        g.writeStringField("id", r.id());
        g.writeNumberField("attempt", r.attempt());
        writeOutcome(g, r);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeOutcome(JsonGenerator g, Reply r) throws IOException {
    switch (r.type()) {
      case NACK -> {
        g.writeStringField("reason", r.reason());
        g.writeBooleanField("retryable", r.retryable());
      }
      case IN_PROGRESS -> g.writeNumberField("extendMs", r.extendMillis());
      case ACK -> { }
    }
  }

  /**
   * Parses a v1 record read from topic 2 (one reply).
   *
   * @throws InvalidRecordException naming the field that is missing or malformed
   */
  public static Reply fromRecord(ConsumerRecord<String, byte[]> record) throws InvalidRecordException {
    return decode(record.value());
  }

  /** Parses v1 reply JSON bytes (one reply). */
  public static Reply decode(byte[] value) throws InvalidRecordException {
    return single(Fields.parse(value));
  }

  private static Reply single(Fields json) throws InvalidRecordException {
    Object v = json.get("v");
    if (!(v instanceof Number n) || n.intValue() != Reply.VERSION) {
      throw new InvalidRecordException("unsupported reply version '" + v + "' (a single reply is version 1)");
    }
    return reply(json, null, json.get("consumer") instanceof String s ? s : null,
        json.get("at") instanceof Number at ? at.longValue() : 0L);
  }

  /**
   * Parses any record read from topic 2, v1 or v2, into its replies. An invalid entry of a batch is reported in
   * {@link Decoded#invalid()} and does not spoil the others.
   *
   * @throws InvalidRecordException when the record as a whole is unreadable (not JSON, unknown version, a v1 reply
   *     or a batch header that is invalid)
   */
  public static Decoded decodeAll(byte[] value) throws InvalidRecordException {
    Fields json = Fields.parse(value);
    Object v = json.get("v");
    if (v instanceof Number n && n.intValue() == Reply.VERSION) {
      return new Decoded(List.of(single(json)), List.of());
    }
    if (!(v instanceof Number n) || n.intValue() != BATCH_VERSION) {
      throw new InvalidRecordException("unsupported reply version '" + v + "' (this build reads versions 1 and 2)");
    }
    String producer = string(json, "producer");
    String consumer = json.get("consumer") instanceof String s ? s : null;
    long at = json.get("at") instanceof Number a ? a.longValue() : 0L;
    if (json.entries == null) {
      throw new InvalidRecordException("reply batch field 'replies' missing or not an array");
    }
    List<Reply> replies = new ArrayList<>(json.entries.size());
    List<String> invalid = new ArrayList<>(0);
    for (int i = 0; i < json.entries.size(); i++) {
      Fields entry = json.entries.get(i);
      if (entry == null) {
        invalid.add("replies[" + i + "] is not a JSON object");
        continue;
      }
      try {
        replies.add(reply(entry, producer, consumer, at));
      } catch (InvalidRecordException e) {
        invalid.add("replies[" + i + "]: " + e.getMessage());
      }
    }
    return new Decoded(replies, invalid);
  }

  /** One reply from its fields; {@code producer} from the batch, or {@code null} to read it from the fields. */
  private static Reply reply(Fields json, String producer, String consumer, long at)
      throws InvalidRecordException {
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
    String id = string(json, "id");
    return new Reply(
        type,
        id,
        producer != null ? producer : string(json, "producer"),
        (int) attempt,
        consumer,
        at,
        type == Reply.Type.NACK ? string(json, "reason") : null,
        type == Reply.Type.NACK && Boolean.TRUE.equals(json.get("retryable")),
        extend);
  }

  /**
   * The fields of a flat JSON object, as scalars (String, Number, Boolean, or {@code null}); a nested object or
   * array is skipped and stands as {@link #NESTED}, except a top-level {@code "replies"} array, whose objects are
   * read as entries ({@code null} for an element that is not an object). A repeated field keeps its last value.
   */
  private static final class Fields {
    private static final Object NESTED = new Object() {
      @Override
      public String toString() {
        return "(object or array)";
      }
    };

    private String[] names = new String[8];
    private Object[] values = new Object[8];
    private int size;
    private List<Fields> entries;

    static Fields parse(byte[] bytes) throws InvalidRecordException {
      if (bytes == null || bytes.length == 0) {
        throw new InvalidRecordException("empty reply");
      }
      try (JsonParser p = JSON.createParser(bytes)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new InvalidRecordException("reply is not a JSON object");
        }
        Fields fields = object(p, true);
        if (p.nextToken() != null) {
          throw new InvalidRecordException("reply is not a JSON object: trailing content");
        }
        return fields;
      } catch (IOException e) {
        throw new InvalidRecordException("reply is not a JSON object: " + e.getMessage());
      }
    }

    /** Reads an object whose START_OBJECT was just read, up to its END_OBJECT. */
    private static Fields object(JsonParser p, boolean top) throws IOException {
      Fields fields = new Fields();
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

    private static List<Fields> entries(JsonParser p) throws IOException {
      List<Fields> entries = new ArrayList<>();
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

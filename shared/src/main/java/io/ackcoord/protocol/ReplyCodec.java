package io.ackcoord.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
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
    JsonObject json;
    try {
      json = new JsonObject(Buffer.buffer(value));
    } catch (DecodeException | ClassCastException e) {
      throw new InvalidRecordException("reply is not a JSON object: " + e.getMessage());
    }
    Object v = json.getValue("v");
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
        json.getValue("consumer") instanceof String s ? s : null,
        json.getValue("at") instanceof Number at ? at.longValue() : 0L,
        type == Reply.Type.NACK ? string(json, "reason") : null,
        type == Reply.Type.NACK && Boolean.TRUE.equals(json.getValue("retryable")),
        extend);
  }

  private static String string(JsonObject json, String field) throws InvalidRecordException {
    Object value = json.getValue(field);
    if (!(value instanceof String s) || s.isEmpty()) {
      throw new InvalidRecordException("reply field '" + field + "' missing or not a string: " + value);
    }
    return s;
  }

  private static long number(JsonObject json, String field) throws InvalidRecordException {
    Object value = json.getValue(field);
    if (!(value instanceof Number n)) {
      throw new InvalidRecordException("reply field '" + field + "' missing or not a number: " + value);
    }
    return n.longValue();
  }
}

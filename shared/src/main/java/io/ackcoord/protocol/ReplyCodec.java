package io.ackcoord.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Reads and writes {@link Reply} records on topic 2, sent to the partition the envelope named so each A reads only
 * its own replies. Two versions, both read:
 *
 * <ul>
 *   <li>v2 (what B writes for ACK/NACK): many replies for one producer in one record, key = producer id:
 *       {@code {"v":2,"producer":"a1","consumer":"b-1","at":1732…,"replies":[{"type":"ACK","id":"…","attempt":1,"proof":-812…},
 *       {"type":"NACK","id":"…","attempt":2,"reason":"db down","retryable":true}]}}.</li>
 *   <li>v1 (IN_PROGRESS, and records written before v2): one reply, key = message id:
 *       {@code {"v":1,"type":"NACK","id":"…","producer":"a1","attempt":2,"consumer":"b-1","at":1732…,
 *       "reason":"db down","retryable":true}}.</li>
 * </ul>
 *
 * <p>{@code "proof"} (a signed 64-bit number) is {@link Reply#proof} of the attempt's {@link Envelope#receipt()};
 * absent in replies written before receipts, which A then reads as 0.
 *
 * <p>Both are encoded and decoded by streaming (Jackson's generator and parser): no document per reply.
 */
public final class ReplyCodec {

  /** Longest NACK reason A keeps (and dead-letters with): enough for a stack trace's first lines. */
  public static final int MAX_REASON_CHARS = 1_000;
  /** Longest message id, producer id or consumer id A keeps from a reply. */
  public static final int MAX_NAME_CHARS = 255;

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
    return 110 + 6 * chars;
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
    if (r.proof() != 0) {
      g.writeNumberField("proof", r.proof());
    }
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
    return single(ReplyFields.parse(value));
  }

  private static Reply single(ReplyFields json) throws InvalidRecordException {
    Object v = json.get("v");
    if (!(v instanceof Number n) || n.intValue() != Reply.VERSION) {
      throw new InvalidRecordException("unsupported reply version '" + v + "' (a single reply is version 1)");
    }
    return reply(json, null, json.get("consumer") instanceof String s ? name(s) : null,
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
    ReplyFields json = ReplyFields.parse(value);
    Object v = json.get("v");
    if (v instanceof Number n && n.intValue() == Reply.VERSION) {
      return new Decoded(List.of(single(json)), List.of());
    }
    if (!(v instanceof Number n) || n.intValue() != BATCH_VERSION) {
      throw new InvalidRecordException("unsupported reply version '" + v + "' (this build reads versions 1 and 2)");
    }
    String producer = name(string(json, "producer"));
    String consumer = json.get("consumer") instanceof String s ? name(s) : null;
    long at = json.get("at") instanceof Number a ? a.longValue() : 0L;
    if (json.entries() == null) {
      throw new InvalidRecordException("reply batch field 'replies' missing or not an array");
    }
    List<Reply> replies = new ArrayList<>(json.entries().size());
    List<String> invalid = new ArrayList<>(0);
    for (int i = 0; i < json.entries().size(); i++) {
      ReplyFields entry = json.entries().get(i);
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
  private static Reply reply(ReplyFields json, String producer, String consumer, long at)
      throws InvalidRecordException {
    Reply.Type type;
    String rawType = string(json, "type");
    try {
      type = Reply.Type.valueOf(rawType);
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException("unknown reply type '" + SafeText.clean(rawType, 40) + "'");
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
    String id = name(string(json, "id"));
    Object proof = json.get("proof");
    if (proof != null && !(proof instanceof Long || proof instanceof Integer)) {
      throw new InvalidRecordException("reply field 'proof' is not a 64-bit integer: "
          + SafeText.clean(String.valueOf(proof), 40));
    }
    return new Reply(
        type,
        id,
        producer != null ? producer : name(string(json, "producer")),
        (int) attempt,
        consumer,
        at,
        type == Reply.Type.NACK ? SafeText.clean(string(json, "reason"), MAX_REASON_CHARS) : null,
        type == Reply.Type.NACK && Boolean.TRUE.equals(json.get("retryable")),
        extend,
        proof == null ? 0 : ((Number) proof).longValue());
  }

  private static String string(ReplyFields json, String field) throws InvalidRecordException {
    Object value = json.get(field);
    if (!(value instanceof String s) || s.isEmpty()) {
      throw new InvalidRecordException("reply field '" + field + "' missing or not a string: "
          + SafeText.clean(String.valueOf(value), 40));
    }
    return s;
  }

  private static long number(ReplyFields json, String field) throws InvalidRecordException {
    Object value = json.get(field);
    if (!(value instanceof Number n)) {
      throw new InvalidRecordException("reply field '" + field + "' missing or not a number: "
          + SafeText.clean(String.valueOf(value), 40));
    }
    return n.longValue();
  }

  // Ids and names from topic 2 are anyone's text: cut and cleaned, they can neither flood A nor forge its log lines,
  // and a cleaned one can never equal a valid id (those have no control characters and no '…').
  private static String name(String raw) {
    return SafeText.clean(raw, MAX_NAME_CHARS);
  }
}

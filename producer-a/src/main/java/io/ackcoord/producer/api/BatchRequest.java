package io.ackcoord.producer.api;

import io.ackcoord.http.ContentTypes;
import io.ackcoord.producer.ids.MessageIds;
import io.ackcoord.protocol.SafeText;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The body of {@code POST /api/messages/batch}, parsed into one submission per item: a JSON array of items, or
 * NDJSON (one item per line, {@code Content-Type: application/x-ndjson}). An item is
 * {@code {"payload": <any JSON>, "id": optional, "timeoutMs": optional}}, the payload sent as its JSON text with
 * content type {@code application/json}. Each item is checked on its own, like SQS's SendMessageBatch: a bad item
 * gets its own error and the others go ahead. Pure: no I/O.
 */
final class BatchRequest {

  /** Most items in one batch. */
  static final int MAX_ITEMS = 1000;
  /** Largest batch body, in bytes. */
  static final int MAX_BODY_BYTES = 16 * 1_048_576;

  /** A batch that cannot be read at all (HTTP 400 for the whole request). */
  static final class BadBatch extends RuntimeException {
    BadBatch(String message) {
      super(message);
    }
  }

  /**
   * One item: what to submit, or why not ({@code status} 400 or 413 and {@code error}).
   *
   * @param id the caller's id or a generated one (the caller's raw value when it is invalid)
   */
  record Item(String id, byte[] payload, long timeoutMillis, int status, String error) {
    boolean valid() {
      return error == null;
    }
  }

  private BatchRequest() {
  }

  /**
   * Parses a batch body.
   *
   * @param maxPayloadBytes the largest payload of one item ({@code message.max.bytes})
   * @param timeouts        the bounds on an item's own {@code timeoutMs}
   * @throws BadBatch when the body is not a JSON array or NDJSON of objects, is empty or has too many items
   */
  static List<Item> parse(Buffer body, String contentType, int maxPayloadBytes, TimeoutRule timeouts) {
    List<Object> raw = isNdjson(contentType) ? lines(body) : array(body);
    if (raw.isEmpty()) {
      throw new BadBatch("empty batch");
    }
    if (raw.size() > MAX_ITEMS) {
      throw new BadBatch("too many items: " + raw.size() + " > " + MAX_ITEMS);
    }
    List<Item> items = new ArrayList<>(raw.size());
    for (Object o : raw) {
      items.add(item(o, maxPayloadBytes, timeouts));
    }
    return items;
  }

  private static Item item(Object o, int maxPayloadBytes, TimeoutRule timeouts) {
    if (!(o instanceof JsonObject json)) {
      return new Item(null, null, 0, 400, "item is not a JSON object");
    }
    Object rawId = json.getValue("id");
    String id = rawId == null ? UUID.randomUUID().toString() : rawId.toString();
    if (!(rawId == null || rawId instanceof String) || !MessageIds.isValid(id)) {
      return new Item(id, null, 0, 400,
          "invalid message id '" + SafeText.clean(id, 210) + "': must be " + MessageIds.RULE);
    }
    if (!json.containsKey("payload")) {
      return new Item(id, null, 0, 400, "item needs a 'payload' field");
    }
    Object rawTimeout = json.getValue("timeoutMs");
    long timeout;
    try {
      if (rawTimeout instanceof String) {
        throw timeouts.invalid(rawTimeout); // a JSON item takes a number: "500" is a mistake worth naming
      }
      timeout = timeouts.parse(rawTimeout);
    } catch (IllegalArgumentException e) {
      return new Item(id, null, 0, 400, e.getMessage());
    }
    byte[] payload = Json.encode(json.getValue("payload")).getBytes(StandardCharsets.UTF_8);
    if (payload.length > maxPayloadBytes) {
      return new Item(id, null, 0, 413, "payload larger than message.max.bytes (" + maxPayloadBytes + " bytes)");
    }
    return new Item(id, payload, timeout, 202, null);
  }

  private static List<Object> array(Buffer body) {
    Object parsed;
    try {
      parsed = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new BadBatch("body is not valid JSON: " + e.getMessage());
    }
    if (!(parsed instanceof JsonArray array)) {
      throw new BadBatch("body must be a JSON array of items (or NDJSON with Content-Type application/x-ndjson)");
    }
    return copy(array);
  }

  // JsonArray hands out its elements as JsonObject/JsonArray wrappers only through getValue.
  private static List<Object> copy(JsonArray array) {
    List<Object> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      out.add(array.getValue(i));
    }
    return out;
  }

  private static List<Object> lines(Buffer body) {
    List<Object> out = new ArrayList<>();
    int lineNo = 0;
    for (String line : body.toString(StandardCharsets.UTF_8).split("\n")) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      if (out.size() == MAX_ITEMS) {
        throw new BadBatch("too many items: more than " + MAX_ITEMS);
      }
      try {
        out.add(Json.decodeValue(line));
      } catch (DecodeException e) {
        throw new BadBatch("line " + lineNo + " is not valid JSON: " + e.getMessage());
      }
    }
    return out;
  }

  private static boolean isNdjson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = ContentTypes.mediaType(contentType).toLowerCase(Locale.ROOT);
    return type.equals("application/x-ndjson") || type.equals("application/jsonl");
  }
}

package io.ackcoord.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records B writes to {@code <prefix>processed} once messages' effects are done. Two versions, both read:
 *
 * <ul>
 *   <li>v2 (what B writes): many ids in one record, key = a key unique to the record
 *       ({@code <consumer>#<run>#<sequence>}), value {@code {"v":2,"consumer":…,"at":…,"ids":["m1","m2",…]}}.</li>
 *   <li>v1 (written before v2): one id, key = the message id, value {@code {"v":1,"id":…,"attempt":…,
 *       "consumer":…,"at":…}}; only the key counts.</li>
 * </ul>
 *
 * <p>A marker goes to the partition with the index of the topic-1 partition its messages were read from. A re-send
 * of an id lands on the same topic-1 partition (same key, same partition count), so the B that owns that partition
 * restores exactly the markers it can need.
 */
public final class ProcessedMarker {

  /** The marker version this build writes. */
  public static final int VERSION = 2;
  /** Ids in one marker record at most. */
  public static final int MAX_IDS = 2000;
  /** Bytes of one marker record at most, as {@link #estimatedBytes} counts them (the broker takes 1 MB). */
  public static final int MAX_BYTES = 512 * 1024;

  private static final JsonFactory JSON = new JsonFactory();

  private ProcessedMarker() {
  }

  /** An upper bound of the bytes {@code id} adds to a marker record (each character a six-byte JSON escape). */
  public static int estimatedBytes(String id) {
    return 4 + 6 * id.length();
  }

  /**
   * The marker for {@code ids}, read from partition {@code sourcePartition} of topic 1. Keep them within
   * {@link #MAX_IDS} and {@link #MAX_BYTES}.
   *
   * @param topic      {@code <prefix>processed}
   * @param key        unique to this record: compaction must never drop it for a later one
   * @param consumerId the B that processed them
   * @param atMillis   wall time of processing
   */
  public static ProducerRecord<String, byte[]> toRecord(String topic, int sourcePartition, String key,
      List<String> ids, String consumerId, long atMillis) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 40 * ids.size());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", VERSION);
      g.writeStringField("consumer", consumerId);
      g.writeNumberField("at", atMillis);
      g.writeArrayFieldStart("ids");
      for (String id : ids) {
        g.writeString(id);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ProducerRecord<>(topic, sourcePartition, key, out.toByteArray());
  }

  /**
   * The processed ids a record of {@code <prefix>processed} stands for: the {@code "ids"} of a v2 value, else (a v1
   * marker, or any other value) the key.
   *
   * @throws InvalidRecordException a v2 value that is unreadable
   */
  public static List<String> ids(String key, byte[] value) throws InvalidRecordException {
    if (!isBatch(value)) {
      return key == null ? List.of() : List.of(key);
    }
    List<String> ids = new ArrayList<>();
    try (JsonParser p = JSON.createParser(value)) {
      p.nextToken();
      boolean found = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals("ids") && t == JsonToken.START_ARRAY) {
          found = true;
          while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING) {
              throw new InvalidRecordException("marker ids must be strings, found " + t);
            }
            ids.add(p.getText());
          }
        } else {
          p.skipChildren();
        }
      }
      if (!found) {
        throw new InvalidRecordException("marker field 'ids' missing or not an array");
      }
    } catch (IOException e) {
      throw new InvalidRecordException("marker is not JSON: " + e.getMessage());
    }
    return ids;
  }

  // v2 writes "v" first, so the prefix decides without parsing a v1 marker at all.
  private static boolean isBatch(byte[] value) {
    byte[] prefix = {'{', '"', 'v', '"', ':', '2'};
    if (value == null || value.length <= prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (value[i] != prefix[i]) {
        return false;
      }
    }
    return value[prefix.length] == ',' || value[prefix.length] == '}';
  }
}

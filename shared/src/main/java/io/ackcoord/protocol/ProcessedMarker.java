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
 *   <li>v3 (what B writes): many ids in one record, key = a key unique to the record
 *       ({@code <consumer>#<run>#<sequence>}), value
 *       {@code {"v":3,"consumer":…,"at":…,"ids":["m1","m2",…],"macs":[-4711,…]}}: each id with its MAC under
 *       B's {@code dedupe.marker.key} (0 when none is set), so that B can tell its own markers from forged ones.</li>
 *   <li>v2 (written before v3): the same without {@code "macs"}; its ids stand with MAC 0.</li>
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
  public static final int VERSION = 3;
  /** Ids in one marker record at most. */
  public static final int MAX_IDS = 2000;
  /** Bytes of one marker record at most, as {@link #estimatedBytes} counts them (the broker takes 1 MB). */
  public static final int MAX_BYTES = 512 * 1024;

  private static final JsonFactory JSON = new JsonFactory();

  private ProcessedMarker() {
  }

  /**
   * One processed message as a marker names it.
   *
   * @param id  the message id
   * @param mac the id's MAC under B's marker key; 0 when B has none, and for markers from before v3
   */
  public record Marked(String id, long mac) {
  }

  /** An upper bound of the bytes {@code m} adds to a marker record (each character a six-byte JSON escape). */
  public static int estimatedBytes(Marked m) {
    return 4 + 6 * m.id().length() + 22;
  }

  /**
   * The marker for {@code marked}, read from partition {@code sourcePartition} of topic 1. Keep them within
   * {@link #MAX_IDS} and {@link #MAX_BYTES}.
   *
   * @param topic      {@code <prefix>processed}
   * @param key        unique to this record: compaction must never drop it for a later one
   * @param consumerId the B that processed them
   * @param atMillis   wall time of processing
   */
  public static ProducerRecord<String, byte[]> toRecord(String topic, int sourcePartition, String key,
      List<Marked> marked, String consumerId, long atMillis) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 60 * marked.size());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", VERSION);
      g.writeStringField("consumer", consumerId);
      g.writeNumberField("at", atMillis);
      g.writeArrayFieldStart("ids");
      for (Marked m : marked) {
        g.writeString(m.id());
      }
      g.writeEndArray();
      g.writeArrayFieldStart("macs");
      for (Marked m : marked) {
        g.writeNumber(m.mac());
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ProducerRecord<>(topic, sourcePartition, key, out.toByteArray());
  }

  /**
   * The processed messages a record of {@code <prefix>processed} stands for: the {@code "ids"} of a v3 value with
   * their {@code "macs"}, the {@code "ids"} of a v2 value, else (a v1 marker, or any other value) the key, the
   * last two with MAC 0.
   *
   * @throws InvalidRecordException a v2 or v3 value that is unreadable
   */
  public static List<Marked> ids(String key, byte[] value) throws InvalidRecordException {
    int version = batchVersion(value);
    if (version == 0) {
      return key == null ? List.of() : List.of(new Marked(key, 0));
    }
    List<String> ids = null;
    List<Long> macs = null;
    try (JsonParser p = JSON.createParser(value)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals("ids") && t == JsonToken.START_ARRAY) {
          ids = new ArrayList<>();
          while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING) {
              throw new InvalidRecordException("marker ids must be strings, found " + t);
            }
            ids.add(p.getText());
          }
        } else if (name.equals("macs") && t == JsonToken.START_ARRAY) {
          macs = new ArrayList<>();
          while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
              throw new InvalidRecordException("marker macs must be 64-bit integers, found " + t);
            }
            macs.add(p.getLongValue());
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new InvalidRecordException("marker is not JSON: " + e.getMessage());
    }
    if (ids == null) {
      throw new InvalidRecordException("marker field 'ids' missing or not an array");
    }
    if (version == 3 && (macs == null || macs.size() != ids.size())) {
      throw new InvalidRecordException("marker field 'macs' missing or not one per id");
    }
    List<Marked> marked = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      marked.add(new Marked(ids.get(i), version == 3 ? macs.get(i) : 0));
    }
    return marked;
  }

  // v2 and v3 write "v" first, so the prefix decides without parsing a v1 marker at all; 0: not a batch.
  private static int batchVersion(byte[] value) {
    byte[] prefix = {'{', '"', 'v', '"', ':'};
    if (value == null || value.length <= prefix.length + 1) {
      return 0;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (value[i] != prefix[i]) {
        return 0;
      }
    }
    byte version = value[prefix.length];
    byte after = value[prefix.length + 1];
    return (version == '2' || version == '3') && (after == ',' || after == '}') ? version - '0' : 0;
  }
}

package io.ackcoord.protocol;

import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The record B writes to {@code <prefix>processed} once a message's effect is done: key = message id, value = a
 * small JSON document for people and tools ({@code {"v":1,"id":…,"attempt":…,"consumer":…,"at":…}}). Only the key
 * matters to B; the topic is compacted, so it keeps one record per id.
 *
 * <p>The marker goes to the partition with the index of the topic-1 partition the message was read from. A re-send
 * of an id lands on the same topic-1 partition (same key, same partition count), so the B that owns that partition
 * restores exactly the markers it can need.
 */
public final class ProcessedMarker {

  /** The marker version this build writes. */
  public static final int VERSION = 1;

  private ProcessedMarker() {
  }

  /**
   * The marker for {@code envelope}, read from partition {@code sourcePartition} of topic 1.
   *
   * @param topic      {@code <prefix>processed}
   * @param consumerId the B that processed it
   * @param atMillis   wall time of processing
   */
  public static ProducerRecord<String, byte[]> toRecord(String topic, int sourcePartition, Envelope envelope,
      String consumerId, long atMillis) {
    JsonObject value = new JsonObject()
        .put("v", VERSION)
        .put("id", envelope.id())
        .put("attempt", envelope.attempt())
        .put("consumer", consumerId)
        .put("at", atMillis);
    return new ProducerRecord<>(topic, sourcePartition, envelope.id(), value.toBuffer().getBytes());
  }
}

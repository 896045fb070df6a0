package io.ackcoord.consumer.transactions;

import io.ackcoord.consumer.replies.MarkerKeys;
import io.ackcoord.consumer.replies.Chunks;
import io.ackcoord.kafka.TopicNames;
import io.ackcoord.protocol.ProcessedMarker;
import io.ackcoord.protocol.ProcessedMarker.Marked;
import io.ackcoord.protocol.Reply;
import io.ackcoord.protocol.ReplyCodec;
import io.ackcoord.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records of one transaction (exactly-once mode), from what its finished records owe: every effect and poison
 * copy as it is, then one processed marker record per processed partition and one reply record per reply partition
 * and producer, each split where it would outgrow one record ({@link ProcessedMarker#MAX_IDS},
 * {@link ReplyCodec#MAX_BATCH_REPLIES} and their byte bounds). The transaction makes them visible together, so
 * batching changes nothing about atomicity. Pure but for the clock and the marker keys.
 */
public final class TransactionRecords {

  private record ReplyDestination(int partition, String producerId) {
  }

  private final TopicNames topics;
  private final String consumerId;
  private final Clock clock;
  private final MarkerKeys markerKeys;
  private final Function<String, Marked> mark;

  /** @param mark an id as its marker names it, with its MAC under {@code dedupe.marker.key} */
  public TransactionRecords(TopicNames topics, String consumerId, Clock clock, Function<String, Marked> mark) {
    this.mark = mark;
    this.topics = topics;
    this.consumerId = consumerId;
    this.clock = clock;
    this.markerKeys = new MarkerKeys(consumerId);
  }

  /** The records for {@code owed}, in the order above. */
  public List<ProducerRecord<String, byte[]>> of(List<Owed> owed) {
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    Map<Integer, List<Marked>> marked = new LinkedHashMap<>();
    Map<ReplyDestination, List<Reply>> replies = new LinkedHashMap<>();
    for (Owed o : owed) {
      records.addAll(o.records());
      if (o.markedId() != null) {
        marked.computeIfAbsent(o.markerPartition(), p -> new ArrayList<>()).add(mark.apply(o.markedId()));
      }
      if (o.reply() != null) {
        replies.computeIfAbsent(new ReplyDestination(o.replyPartition(), o.reply().producerId()),
            d -> new ArrayList<>()).add(o.reply());
      }
    }
    long now = clock.wallMillis();
    marked.forEach((partition, ids) -> {
      for (List<Marked> chunk : Chunks.of(ids, ProcessedMarker.MAX_IDS, ProcessedMarker.MAX_BYTES,
          ProcessedMarker::estimatedBytes)) {
        records.add(ProcessedMarker.toRecord(topics.processed(), partition, markerKeys.next(), chunk, consumerId,
            now));
      }
    });
    replies.forEach((to, batch) -> {
      for (List<Reply> chunk : Chunks.of(batch, ReplyCodec.MAX_BATCH_REPLIES, ReplyCodec.MAX_BATCH_BYTES,
          ReplyCodec::estimatedBytes)) {
        records.add(ReplyCodec.toBatchRecord(topics.acks(), to.partition(), to.producerId(), consumerId, now,
            chunk));
      }
    });
    return records;
  }
}

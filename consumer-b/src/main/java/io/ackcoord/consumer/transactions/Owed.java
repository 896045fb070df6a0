package io.ackcoord.consumer.transactions;

import io.ackcoord.protocol.Reply;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What one finished record of topic 1 owes a transaction (exactly-once mode): its effects or poison copy, written as
 * they are, and its processed-id marker and reply, which {@link TransactionRecords} gathers with those of the other
 * records in the transaction.
 *
 * @param records         written as they are, in this order
 * @param markerPartition the processed partition of {@code markedId} (the topic-1 partition's index)
 * @param markedId        the id to mark processed, or {@code null}
 * @param reply           the ACK or NACK, or {@code null}
 * @param replyPartition  the partition of topic 2 the reply goes to
 */
public record Owed(List<ProducerRecord<String, byte[]>> records, int markerPartition, String markedId, Reply reply,
    int replyPartition) {

  /** Records only: no marker, no reply. */
  static Owed records(List<ProducerRecord<String, byte[]>> records) {
    return new Owed(records, -1, null, null, -1);
  }
}

package io.ackcoord.consumer.loop;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A record of topic 1 as B works on it: the record, its partition, and the {@linkplain PartitionEpochs epoch} of
 * the assignment it was read under.
 */
public record Inbound(ConsumerRecord<String, byte[]> record, TopicPartition partition, long epoch) {

  public static Inbound of(ConsumerRecord<String, byte[]> record, long epoch) {
    return new Inbound(record, new TopicPartition(record.topic(), record.partition()), epoch);
  }

  public long offset() {
    return record.offset();
  }

  @Override
  public String toString() {
    return partition + "@" + record.offset() + " (epoch " + epoch + ")";
  }
}

package io.ackcoord.producer;

import io.ackcoord.protocol.InvalidRecordException;
import io.ackcoord.protocol.Reply;
import io.ackcoord.protocol.ReplyCodec;
import io.vertx.core.Future;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads this A's partition of topic 2 and hands each reply to the {@link Coordinator}.
 *
 * <p>The partition is assigned, not subscribed: A owns it by its producer id, so there is no group rebalance to wait
 * for. Reading starts at the end as of start-up, and {@link #start} completes only once that position is fixed, so
 * no reply to a message sent after start-up can be missed.
 */
final class ReplyListener {

  private static final Logger LOG = LoggerFactory.getLogger(ReplyListener.class);

  private final KafkaReadStream<String, byte[]> consumer;
  private final TopicPartition partition;
  private final String producerId;
  private final Coordinator coordinator;
  private final KafkaOutbound outbound;
  private final LongAdder invalid = new LongAdder();
  private final LongAdder foreign = new LongAdder();

  ReplyListener(KafkaReadStream<String, byte[]> consumer, TopicPartition partition, String producerId,
      Coordinator coordinator, KafkaOutbound outbound) {
    this.consumer = consumer;
    this.partition = partition;
    this.producerId = producerId;
    this.coordinator = coordinator;
    this.outbound = outbound;
  }

  Future<Void> start() {
    consumer.exceptionHandler(err -> LOG.warn("Reply consumer error on {}: {}", partition, err.getMessage()));
    consumer.handler(this::onRecord);
    return consumer.assign(Set.of(partition))
        .compose(v -> consumer.seekToEnd(Set.of(partition)))
        .compose(v -> consumer.position(partition))
        .onSuccess(pos -> LOG.info("Reading replies from {} at offset {}", partition, pos))
        .mapEmpty();
  }

  Future<Void> stop() {
    return consumer.close();
  }

  /** Whether A's reply partition is assigned to its consumer: the "replies" health check. */
  Future<Boolean> assigned() {
    return consumer.assignment().map(assignment -> assignment.contains(partition));
  }

  /** Records on topic 2 that were not valid replies (sent to the poison topic). */
  long invalidReplies() {
    return invalid.sum();
  }

  /** Valid replies addressed to another producer id (someone configured a shared reply partition). */
  long foreignReplies() {
    return foreign.sum();
  }

  private void onRecord(ConsumerRecord<String, byte[]> record) {
    Reply reply;
    try {
      reply = ReplyCodec.fromRecord(record);
    } catch (InvalidRecordException e) {
      invalid.increment();
      LOG.warn("Invalid reply at {}/{}/{}: {}", record.topic(), record.partition(), record.offset(),
          e.getMessage());
      outbound.poison(record, e.getMessage()).onFailure(err -> LOG.error(
          "Could not park invalid reply at offset {} on the poison topic: {}", record.offset(), err.getMessage()));
      return;
    }
    if (!producerId.equals(reply.producerId())) {
      foreign.increment();
      return;
    }
    coordinator.onReply(reply);
  }
}

package io.ackcoord.localkafka;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.storage.internals.log.AppendOrigin;
import org.apache.kafka.storage.internals.log.LogOffsetMetadata;
import org.apache.kafka.storage.internals.log.ProducerAppendInfo;
import org.apache.kafka.storage.internals.log.ProducerStateEntry;
import org.apache.kafka.storage.internals.log.VerificationStateEntry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Why TopicAdmin waits until new partitions answer ListOffsets (KAFKA-15591), checked against the broker this
 * module runs: a partition with no state for a producer takes that producer's first batch at any sequence. Two
 * batches in flight to a partition created a moment ago: the first fails with NOT_LEADER_OR_FOLLOWER, the second
 * lands, and every retry of the first is then out of order. When a broker upgrade makes the first test fail (the fix
 * ships in Kafka 4.5), reconsider the guard; brokers in the field keep the defect either way.
 */
class FirstSequenceTest {

  private static final TopicPartition PARTITION = new TopicPartition("created-a-moment-ago", 0);
  private static final long PRODUCER_ID = 42L;

  private static ProducerStateEntry noState() {
    return new ProducerStateEntry(PRODUCER_ID, (short) -1, -1, -1L, OptionalLong.empty());
  }

  @Test
  @DisplayName("an idempotent producer's second batch (sequence 17) is taken as its first: the defect the guard avoids")
  void idempotentFirstBatchAtAnySequence() {
    ProducerAppendInfo append = new ProducerAppendInfo(PARTITION, PRODUCER_ID, noState(), AppendOrigin.CLIENT, null);
    assertThatCode(() -> append.appendDataBatch((short) 0, 17, 21, 0L, new LogOffsetMetadata(0), 4L, false))
        .doesNotThrowAnyException();
  }

  @Test
  @DisplayName("only a transactions-v2 producer must start at sequence 0 (KAFKA-18202)")
  void transactionsV2FirstBatchMustStartAtZero() {
    ProducerAppendInfo append = new ProducerAppendInfo(PARTITION, PRODUCER_ID, noState(), AppendOrigin.CLIENT,
        new VerificationStateEntry(0L, 17, (short) 0, true));
    assertThatThrownBy(() -> append.appendDataBatch((short) 0, 17, 21, 0L, new LogOffsetMetadata(0), 4L, true))
        .isInstanceOf(OutOfOrderSequenceException.class);
  }
}

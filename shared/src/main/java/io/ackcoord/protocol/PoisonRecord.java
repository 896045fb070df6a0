package io.ackcoord.protocol;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the record that parks an unreadable record on the poison topic: original key, value and headers kept
 * byte-for-byte, plus where it came from and why it was rejected, so an operator can inspect or replay it.
 */
public final class PoisonRecord {

  /** Why the record was rejected. */
  public static final String ERROR = "ackcoord-error";
  /** Where it was read: {@code topic/partition/offset}. */
  public static final String SOURCE = "ackcoord-source";

  private PoisonRecord() {
  }

  /** The poison-topic copy of {@code original}. */
  public static ProducerRecord<String, byte[]> of(String poisonTopic, ConsumerRecord<String, byte[]> original,
      String error) {
    RecordHeaders headers = new RecordHeaders();
    for (Header h : original.headers()) {
      headers.add(h);
    }
    headers.add(ERROR, error.getBytes(StandardCharsets.UTF_8));
    headers.add(SOURCE, (original.topic() + "/" + original.partition() + "/" + original.offset())
        .getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(poisonTopic, null, original.key(), original.value(), headers);
  }
}

package io.ackcoord.producer.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ackcoord.producer.coordinator.DeadLetter;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The pure parts of the dead-letter reader: records to letters, cursors, partitions; the reads are in RedriveIT. */
class DeadLetterReaderTest {

  @Test
  @DisplayName("a dead-letter record reads back as its id, payload, envelope fields and reason, cleaned")
  void letterFromRecord() {
    Envelope e = new Envelope("order-1", "a1", 4, 1000, 2000, 0, 3000, "application/json",
        "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
    ProducerRecord<String, byte[]> written = EnvelopeCodec.toReadableRecord("dl", e);
    written.headers().add(KafkaOutbound.DEAD_LETTER_REASON, "nack: bad\nline".getBytes(StandardCharsets.UTF_8));
    ConsumerRecord<String, byte[]> r = new ConsumerRecord<>("dl", 2, 17, 5555L, TimestampType.CREATE_TIME, 0, 0,
        written.key(), written.value(), written.headers(), Optional.empty());

    DeadLetter l = DeadLetterReader.letter(r);

    assertThat(l.id()).isEqualTo("order-1");
    assertThat(l.where()).isEqualTo("2@17");
    assertThat(l.timestamp()).isEqualTo(5555);
    assertThat(l.producerId()).isEqualTo("a1");
    assertThat(l.attempt()).isEqualTo(4);
    assertThat(l.timeoutMillis()).isEqualTo(3000);
    assertThat(l.contentType()).isEqualTo("application/json");
    assertThat(l.reason()).isEqualTo("nack: bad\uFFFDline");
    assertThat(new String(l.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
    assertThat(DeadLetterReader.letter(new ConsumerRecord<>("dl", 0, 0, null, new byte[0]))).isNull();
    DeadLetter bare = DeadLetterReader.letter(new ConsumerRecord<>("dl", 0, 0, "x", null));
    assertThat(bare.reason()).isEmpty();
    assertThat(bare.producerId()).isEmpty();
    assertThat(bare.payload()).isEmpty();
  }

  @Test
  @DisplayName("a cursor is partition:offset per partition left; anything else is refused")
  void cursors() {
    assertThat(DeadLetterReader.parseCursor("0:5,2:9", 3)).isEqualTo(Map.of(0, 5L, 2, 9L));
    for (String bad : new String[] {"", "x", "0:5,0:6", "3:1", "-1:1", "0:-1", "0:1,1:1,2:1,0:1", "0:", ":1"}) {
      assertThatThrownBy(() -> DeadLetterReader.parseCursor(bad, 3)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
    }
  }

  @Test
  @DisplayName("an id's partition is the one Kafka's default partitioner gives its key")
  void partitionOfKey() {
    assertThat(DeadLetterReader.partitionOf("order-1", 1)).isZero();
    for (String id : new String[] {"a", "order-42", "3f6c-11"}) {
      assertThat(DeadLetterReader.partitionOf(id, 3)).isEqualTo(
          org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(
              id.getBytes(StandardCharsets.UTF_8), 3));
    }
  }
}

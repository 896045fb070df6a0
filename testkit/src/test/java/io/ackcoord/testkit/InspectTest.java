package io.ackcoord.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InspectTest {

  private static final Envelope E = new Envelope("m-1", "a1", 4, 1_000, 61_000, 2, 80_000, "application/json",
      new byte[12]);

  private static ConsumerRecord<String, byte[]> consumed(ProducerRecord<String, byte[]> r) {
    return new ConsumerRecord<>(r.topic(), 1, 9L, 0L, TimestampType.CREATE_TIME, 0, 0, r.key(), r.value(),
        r.headers(), Optional.empty());
  }

  @Test
  @DisplayName("a version-3 envelope is printed field by field: what kcat shows as one binary header")
  void version3() {
    JsonObject line = Inspect.describe(consumed(EnvelopeCodec.toRecord("ackcoord.messages", E)));

    assertThat(line.getMap()).containsEntry("partition", 1).containsEntry("offset", 9L).containsEntry("key", "m-1")
        .containsEntry("version", 3).containsEntry("id", "m-1").containsEntry("attempt", 4)
        .containsEntry("producer", "a1").containsEntry("createdAt", "1970-01-01T00:00:01Z")
        .containsEntry("sentAt", "1970-01-01T00:01:01Z").containsEntry("replyPartition", 2)
        .containsEntry("timeoutMs", 80_000L).containsEntry("contentType", "application/json")
        .containsEntry("payloadBytes", 12);
  }

  @Test
  @DisplayName("a dead letter (readable version-1 headers) shows its reason; a record that is no envelope says why")
  void deadLetterAndInvalid() {
    ProducerRecord<String, byte[]> dead = EnvelopeCodec.toReadableRecord("ackcoord.dead-letters", E);
    dead.headers().add("ackcoord-dead-letter-reason", "no reply after 5 attempt(s)".getBytes(StandardCharsets.UTF_8));
    JsonObject line = Inspect.describe(consumed(dead));
    assertThat(line.getInteger("version")).isEqualTo(1);
    assertThat(line.getInteger("attempt")).isEqualTo(4);
    assertThat(line.getString("dead-letter-reason")).isEqualTo("no reply after 5 attempt(s)");

    JsonObject junk = Inspect.describe(new ConsumerRecord<>("t", 0, 3L, 0L, TimestampType.CREATE_TIME, 0, 0, "k",
        new byte[1], new RecordHeaders(), Optional.empty()));
    assertThat(junk.getString("invalid")).startsWith("missing header ackcoord");
    assertThat(junk.containsKey("attempt")).isFalse();
  }
}

package io.ackcoord.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ackcoord.config.ConfigException;
import io.ackcoord.producer.ledger.LedgerCodec;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How an A picks the partition of topic 2 it reads, and what it says about it. */
class ReplyPartitionTest {

  private static ProducerOptions options(JsonObject config) {
    return ProducerOptions.from(ProducerOptions.definition().parse(config));
  }

  @Test
  @DisplayName("derived from producer.id the way Kafka's partitioner hashes keys, stable for a given count")
  void hashedFromProducerId() {
    for (String id : new String[] {"a1", "a2", "a3", "producer-a", "scale-a1"}) {
      int expected = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % 3;
      assertThat(options(new JsonObject().put("producer.id", id)).replyPartition(3)).as(id).isEqualTo(expected);
    }
    // Two ids that collide over three partitions: they share one unless told otherwise.
    assertThat(options(new JsonObject().put("producer.id", "a2")).replyPartition(3))
        .isEqualTo(options(new JsonObject().put("producer.id", "a3")).replyPartition(3));
  }

  @Test
  @DisplayName("ack.reply.partition overrides the hash")
  void configuredPartitionWins() {
    ProducerOptions o = options(new JsonObject().put("producer.id", "a2").put("ack.reply.partition", 2));
    assertThat(o.replyPartition(3)).isEqualTo(2);
    assertThat(o.describeReplyPartition(3)).contains("ackcoord.acks-2 (set by ack.reply.partition)");
  }

  @Test
  @DisplayName("a configured partition the topic does not have fails start-up naming the key, the value and why")
  void configuredPartitionMustExist() {
    ProducerOptions o = options(new JsonObject().put("ack.reply.partition", 3));
    assertThatThrownBy(() -> o.replyPartition(3)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("invalid value 3 for key ack.reply.partition")
        .hasMessageContaining("topic ackcoord.acks has only 3 partition(s)");
    assertThat(o.replyPartition(4)).isEqualTo(3);
  }

  @Test
  @DisplayName("below -1 is refused when the config is read")
  void negativeRefused() {
    assertThatThrownBy(() -> options(new JsonObject().put("ack.reply.partition", -2)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("invalid value -2 for key ack.reply.partition");
  }

  @Test
  @DisplayName("the start-up line says which partition, how it was chosen, and that sharers are read and skipped")
  void describesSharing() {
    ProducerOptions o = options(new JsonObject().put("producer.id", "a1").put("topic.prefix", "t."));
    int p = o.replyPartition(3);
    assertThat(o.describeReplyPartition(3))
        .isEqualTo("replies from t.acks-" + p + " (hashed from producer.id 'a1' over 3 partition(s); set "
            + "ack.reply.partition to choose); other As reading partition " + p + " share it: each reads all of "
            + "its replies and skips the others' (foreignReplies)");
  }

  @Test
  @DisplayName("ledger keys name their producer exactly, so an A sharing a ledger partition restores only its own")
  void ledgerKeysSeparateProducers() {
    String key = LedgerCodec.key("a1", "order|42");
    assertThat(LedgerCodec.producerOf(key)).isEqualTo("a1");
    assertThat(LedgerCodec.idOf(key)).isEqualTo("order|42");
    assertThat(LedgerCodec.producerOf(LedgerCodec.key("a10", "x"))).isNotEqualTo("a1");
    assertThat(LedgerCodec.producerOf("no-bar")).isNull();
  }
}

package io.ackcoord.producer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ackcoord.producer.api.BatchRequest.BadBatch;
import io.ackcoord.producer.api.BatchRequest.Item;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BatchRequestTest {

  private static final TimeoutRule RULE = new TimeoutRule(100);

  @Test
  @DisplayName("a JSON array: each item checked on its own, payloads as their JSON text")
  void array() {
    List<Item> items = BatchRequest.parse(Buffer.buffer("""
        [{"id":"a1","payload":{"n":1},"timeoutMs":500},
         {"payload":"text"},
         {"id":"bad id","payload":1},
         {"id":"a2"},
         {"id":"a3","payload":[1],"timeoutMs":0},
         7,
         {"id":"a4","payload":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}]
        """), "application/json", 20, RULE);

    assertThat(items).extracting(Item::status).containsExactly(202, 202, 400, 400, 400, 400, 413);
    assertThat(items.get(0).id()).isEqualTo("a1");
    assertThat(new String(items.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
    assertThat(items.get(0).timeoutMillis()).isEqualTo(500);
    assertThat(items.get(1).id()).as("generated").hasSize(36);
    assertThat(new String(items.get(1).payload(), StandardCharsets.UTF_8)).isEqualTo("\"text\"");
    assertThat(items.get(1).timeoutMillis()).isZero();
    assertThat(items.get(2).error()).contains("invalid message id");
    assertThat(items.get(3).error()).contains("payload");
    assertThat(items.get(4).error()).contains("timeoutMs");
    assertThat(items.get(5).error()).contains("not a JSON object");
    assertThat(items.get(6).error()).contains("message.max.bytes");
  }

  @Test
  @DisplayName("NDJSON: one item per line, blank lines skipped")
  void ndjson() {
    List<Item> items = BatchRequest.parse(Buffer.buffer("{\"id\":\"n1\",\"payload\":1}\n\n{\"id\":\"n2\",\"payload\":2}\n"),
        "application/x-ndjson; charset=utf-8", 100, RULE);
    assertThat(items).extracting(Item::id).containsExactly("n1", "n2");
    assertThat(items).allMatch(Item::valid);
  }

  @Test
  @DisplayName("a body that is not a batch is refused as a whole")
  void badBatches() {
    assertThatThrownBy(() -> BatchRequest.parse(Buffer.buffer("{\"payload\":1}"), "application/json", 100, RULE))
        .isInstanceOf(BadBatch.class).hasMessageContaining("JSON array");
    assertThatThrownBy(() -> BatchRequest.parse(Buffer.buffer("[1,"), "application/json", 100, RULE))
        .isInstanceOf(BadBatch.class).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> BatchRequest.parse(Buffer.buffer("[]"), "application/json", 100, RULE))
        .isInstanceOf(BadBatch.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> BatchRequest.parse(Buffer.buffer("{\"payload\":1}\n{oops"), "application/x-ndjson", 100, RULE))
        .isInstanceOf(BadBatch.class).hasMessageContaining("line 2");
    String tooMany = "[" + "{\"payload\":1},".repeat(BatchRequest.MAX_ITEMS) + "{\"payload\":1}]";
    assertThatThrownBy(() -> BatchRequest.parse(Buffer.buffer(tooMany), null, 100, RULE))
        .isInstanceOf(BadBatch.class).hasMessageContaining("too many");
  }

  @Test
  @DisplayName("an item's timeoutMs: a whole number of ms from ack.timeout.min.ms up to a day, never text")
  void timeouts() {
    List<Item> items = BatchRequest.parse(Buffer.buffer("""
        [{"id":"t1","payload":1,"timeoutMs":100},
         {"id":"t2","payload":1,"timeoutMs":99},
         {"id":"t3","payload":1,"timeoutMs":"500"},
         {"id":"t4","payload":1,"timeoutMs":1.5},
         {"id":"t5","payload":1,"timeoutMs":86400001}]
        """), "application/json", 100, RULE);
    assertThat(items).extracting(Item::status).containsExactly(202, 400, 400, 400, 400);
    assertThat(items.get(1).error()).isEqualTo("invalid timeoutMs '99': must be a whole number of ms in [100, "
        + "86400000]");
  }
}

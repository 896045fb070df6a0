package io.ackcoord.producer.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.producer.timer.RetryPolicy;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PayloadRetentionTest {

  // 1 s timeout growing ×2 up to 8 s over 6 attempts, ±10 % jitter, 500 ms re-send delay, 20 s of extensions.
  private static final RetryPolicy POLICY = new RetryPolicy(1000, 6, 2.0, 8000, 0.1, 500, 5000, 20_000);

  @Test
  @DisplayName("the longest wait: the largest timeout with jitter, every extension, the largest re-send delay")
  void longestWait() {
    // 8,000 × 1.1 + 20,000 + min(500 × 2^5, 8,000) × 1.1
    assertThat(PayloadRetention.longestWait(POLICY, 1000)).isEqualTo(8800 + 20_000 + 8800);
    assertThat(PayloadRetention.longestWait(POLICY, 50_000)).as("a caller's timeout above the cap")
        .isEqualTo(55_000 + 20_000 + 8800);
  }

  @Test
  @DisplayName("refuses a retention.ms shorter than the longest wait, naming the topic, the value and the keys")
  void refusal() {
    PayloadRetention shortLived = PayloadRetention.of(Map.of("retention.ms", "30000"));
    assertThat(shortLived.refusal("t1", POLICY)).contains("topic t1 keeps records for retention.ms=30000")
        .contains("37600 ms").contains("ack.timeout.ms").contains("ack.extension.total.max.ms")
        .contains("kafka-configs.sh");
    assertThat(PayloadRetention.of(Map.of("retention.ms", "37601")).refusal("t1", POLICY)).isNull();
    assertThat(PayloadRetention.of(Map.of("retention.ms", "-1")).refusal("t1", POLICY)).isNull();
    assertThat(PayloadRetention.of(Map.of("retention.ms", "1000", "cleanup.policy", "compact"))
        .refusal("t1", POLICY)).as("compaction keeps the latest record of a key").isNull();
    assertThat(PayloadRetention.of(Map.of()).refusal("t1", POLICY)).as("Kafka's default: 7 days").isNull();
  }

  @Test
  @DisplayName("retention.bytes cannot be checked against time: a warning")
  void sizeLimitWarns() {
    assertThat(PayloadRetention.of(Map.of("retention.bytes", "1073741824")).warning("t1"))
        .contains("retention.bytes=1073741824").contains("dead-lettered");
    assertThat(PayloadRetention.of(Map.of()).warning("t1")).isNull();
    assertThat(PayloadRetention.of(Map.of("retention.bytes", "10", "cleanup.policy", "compact")).warning("t1"))
        .isNull();
  }

  @Test
  @DisplayName("a caller's timeout is capped where its longest wait would reach the retention")
  void maxTimeout() {
    PayloadRetention day = PayloadRetention.of(Map.of("retention.ms", "86400000"));
    long max = day.maxTimeoutMillis(POLICY, 86_400_000);
    assertThat(PayloadRetention.longestWait(POLICY, max)).isLessThan(86_400_000);
    assertThat(PayloadRetention.longestWait(POLICY, max + 1)).isGreaterThanOrEqualTo(86_400_000);
    assertThat(PayloadRetention.of(Map.of("retention.ms", "-1")).maxTimeoutMillis(POLICY, 1234)).isEqualTo(1234);
  }
}

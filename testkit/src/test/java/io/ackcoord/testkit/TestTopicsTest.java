package io.ackcoord.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TestTopicsTest {

  @Test
  @DisplayName("a prefix names the test, ends with a dot and uses only characters Kafka allows")
  void prefixIsKafkaLegal() {
    String prefix = TestTopics.uniquePrefix("AckTimeout_redelivers after crash!");

    assertThat(prefix).matches("t-acktimeout-redelivers-after-crash-[a-z0-9]{8}\\.");
    assertThat(prefix + "requests").matches("[a-zA-Z0-9._-]{1,249}");
  }

  @Test
  @DisplayName("two prefixes for the same name differ")
  void prefixesAreUnique() {
    Set<String> prefixes = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      prefixes.add(TestTopics.uniquePrefix("same"));
    }
    assertThat(prefixes).hasSize(1_000);
  }

  @Test
  @DisplayName("a very long or empty name still gives a short legal prefix")
  void longAndEmptyNames() {
    assertThat(TestTopics.uniquePrefix("x".repeat(500))).hasSizeLessThan(100);
    assertThat(TestTopics.uniquePrefix("___")).matches("t-topic-[a-z0-9]{8}\\.");
  }
}

package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.consumer.ConsumerOptions;
import io.ackcoord.producer.ProducerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The configuration tables in {@code docs/configuration.md} are generated from the key definitions, so they cannot
 * drift from the code.
 * To regenerate after changing a key: {@code mvn -B -pl integration-tests -am test -Dtest=ConfigDocsTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dackcoord.docs.update=true}.
 */
class ConfigDocsTest {

  private static final String START = "<!-- config-tables:start";
  private static final String END = "<!-- config-tables:end -->";

  static String tables() {
    return "\n### Producer A (`conf/producer-a.json`)\n\n" + ProducerOptions.definition().markdownTable()
        + "\n### Consumer B (`conf/consumer-b.json`)\n\n" + ConsumerOptions.definition().markdownTable() + "\n";
  }

  @Test
  @DisplayName("docs/configuration.md documents every config key with its current default")
  void configurationTablesAreCurrent() throws IOException {
    Path doc = Path.of("..", "docs", "configuration.md");
    String text = Files.readString(doc);
    int marker = text.indexOf(START);
    int end = text.indexOf(END);
    assertThat(marker).as("docs/configuration.md has the config-tables start marker").isNotNegative();
    assertThat(end).as("docs/configuration.md has the config-tables end marker").isGreaterThan(marker);
    int start = text.indexOf('\n', marker) + 1;
    String expected = tables();
    if (Boolean.getBoolean("ackcoord.docs.update")) {
      Files.writeString(doc, text.substring(0, start) + expected + text.substring(end));
      return;
    }
    assertThat(text.substring(start, end))
        .as("docs/configuration.md config tables are stale: rerun with -Dackcoord.docs.update=true")
        .isEqualTo(expected);
  }
}

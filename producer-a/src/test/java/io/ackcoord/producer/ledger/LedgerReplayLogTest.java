package io.ackcoord.producer.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The ledger topic is writable by others than A: what A logs of an unreadable record stays on one line. */
class LedgerReplayLogTest {

  @Test
  @DisplayName("an unreadable ledger record whose header forges a log line is logged on one line (issue 13)")
  void unreadableRecordLoggedOnOneLine() {
    ConsumerRecord<String, byte[]> forged = new ConsumerRecord<>("ledger", 0, 7, LedgerCodec.key("a1", "m1"),
        new byte[] {1});
    forged.headers().add(LedgerCodec.VERSION_1_HEADER,
        "9\n12:00:00.000 ERROR [main] i.a.Fake - FAKE LOG LINE\r\n".getBytes(StandardCharsets.UTF_8));
    Logger logger = (Logger) LoggerFactory.getLogger(LedgerReplay.class);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    logger.addAppender(log);
    LedgerReplay replay = new LedgerReplay("a1");
    try {
      replay.accept(forged);
    } finally {
      logger.detachAppender(log);
    }

    assertThat(replay.result().entries()).isEmpty();
    assertThat(log.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
        .contains("Skipping unreadable ledger record", "FAKE LOG LINE")
        .doesNotContain("\n").doesNotContain("\r");
  }
}

package io.ackcoord.producer.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ackcoord.logging.MessageFields;
import io.ackcoord.producer.timer.FakeScheduler;
import io.ackcoord.producer.timer.RetryPolicy;
import io.ackcoord.producer.tracing.MessageTracing;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.protocol.Reply;
import io.ackcoord.time.ManualClock;
import io.ackcoord.tracing.TraceRoot;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A message id the coordinator did not check (one resumed from the ledger topic, which others can write to) is
 * logged on one line when re-sent, dead-lettered, or named by a forged reply (log injection, issue 13).
 */
class CoordinatorLogTest {

  private static final String FORGED = "m\n12:00:00.000 ERROR [main] i.a.Fake - FAKE LOG LINE\r\n";

  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(Coordinator.class);
  private Level level;

  @BeforeEach
  void capture() {
    log.start();
    level = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    logger.addAppender(log);
  }

  @AfterEach
  void release() {
    logger.detachAppender(log);
    logger.setLevel(level);
  }

  @Test
  @DisplayName("re-send, dead-letter and forged-reply log lines of a forged id have no line break")
  void forgedIdLoggedOnOneLine() {
    ManualClock clock = new ManualClock();
    FakeScheduler scheduler = new FakeScheduler(clock);
    MessageTracker tracker =
        new MessageTracker(clock, new RetryPolicy(1000, 2, 2.0, 60_000, 0.0, 100, 10_000), () -> 0.5, 100);
    Coordinator coordinator = new Coordinator(tracker, new CoordinatorTest.FakeOutbound(),
        new io.ackcoord.producer.ledger.WriteBarrier(), scheduler, clock, "a1", 0, 500, 1000);
    coordinator.start(List.of());
    coordinator.open();

    assertThat(coordinator.submit(FORGED, new byte[0], null, 0).succeeded()).isTrue();
    // A reply without the attempt's receipt: ignored, and warned about.
    coordinator.onReply(new Reply(Reply.Type.ACK, FORGED, "a1", 1, "b", 0, null, false, 0));
    scheduler.advance(1000);
    scheduler.advance(2000);

    List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("Re-sending").contains("FAKE LOG LINE"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("Dead-lettering").contains("FAKE LOG LINE"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("Ignored a reply").contains("FAKE LOG LINE"));
    assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain("\n").doesNotContain("\r"));
  }

  @Test
  @DisplayName("with tracing on, a line about a message carries its trace id as a field")
  void traceIdField() {
    TraceRoot root = TraceRoot.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    MessageTracing tracing = (id, traceparent) -> () -> root;
    ManualClock clock = new ManualClock();
    FakeScheduler scheduler = new FakeScheduler(clock);
    MessageTracker tracker =
        new MessageTracker(clock, new RetryPolicy(1000, 1, 2.0, 60_000, 0.0, 100, 10_000), () -> 0.5, 100);
    Coordinator coordinator = new Coordinator(tracker, new CoordinatorTest.FakeOutbound(),
        new io.ackcoord.producer.ledger.WriteBarrier(), scheduler, clock, "a1", 0, 500, 1000, tracing);
    coordinator.start(List.of());
    coordinator.open();

    assertThat(coordinator.submit("m1", new byte[0], null, 0).succeeded()).isTrue();
    scheduler.advance(1000);

    ILoggingEvent line = log.list.stream().filter(e -> e.getFormattedMessage().startsWith("Dead-lettering"))
        .findFirst().orElseThrow();
    assertThat(line.getKeyValuePairs()).anySatisfy(kv -> {
      assertThat(kv.key).isEqualTo(MessageFields.TRACE_ID);
      assertThat(kv.value).isEqualTo(root.traceId());
    });
  }
}

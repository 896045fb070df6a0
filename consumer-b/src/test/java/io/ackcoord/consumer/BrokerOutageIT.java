package io.ackcoord.consumer;

import static io.ackcoord.consumer.BFixture.assertOncePerId;
import static io.ackcoord.consumer.TestEnvelopes.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.Reply;
import io.ackcoord.testkit.LocalKafkaProcess;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The broker goes away while B has messages in hand, and comes back on the same port and data: B keeps its work,
 * reconnects, finishes what it had and goes on with what comes next, each message once. A broker of this class's
 * own, not the shared one, since it is stopped.
 */
@ExtendWith(VertxExtension.class)
class BrokerOutageIT {

  @TempDir
  static Path workDir;

  private static LocalKafkaProcess broker;
  private BFixture b;

  @BeforeAll
  static void startBroker() {
    broker = LocalKafkaProcess.builder().workDir(workDir).start();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @AfterEach
  void tearDown() {
    if (b != null) {
      b.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ProcessingGuarantee.class)
  @DisplayName("broker stopped mid-run and restarted: B finishes what it had and what comes after, once each")
  void brokerRestart(ProcessingGuarantee guarantee, Vertx vertx, TestInfo info) {
    b = new BFixture(broker, info.getDisplayName());
    ConsumerVerticle consumer = b.deploy(vertx, new ConsumerVerticle(),
        b.config(guarantee).put("handler.work.ms", 1_000));
    b.send(IntStream.range(0, 10).mapToObj(i -> envelope("before-" + i, i % 3, 60_000)).toArray(Envelope[]::new));
    BFixture.await().until(() -> consumer.stats().received() == 10);

    // The handlers are mid-work: their effects, markers and replies will meet a broker that is gone.
    broker.stop();
    broker.restart();

    b.send(IntStream.range(0, 10).mapToObj(i -> envelope("after-" + i, i % 3, 60_000)).toArray(Envelope[]::new));
    b.awaitReplies(replies -> replies.stream().filter(r -> r.type() == Reply.Type.ACK).count() >= 20);

    String[] ids = IntStream.range(0, 20).mapToObj(i -> (i < 10 ? "before-" : "after-") + (i % 10))
        .toArray(String[]::new);
    assertOncePerId(b.results(true), ids);
    assertThat(b.acks()).containsOnlyKeys(ids);
    assertThat(vertx.deploymentIDs()).as("B is still running").hasSize(1);
  }
}

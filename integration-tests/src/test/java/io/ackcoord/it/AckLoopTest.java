package io.ackcoord.it;

import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.KafkaBrokerExtension;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of the end-to-end tests: a fresh Vert.x per test (VertxExtension), the JVM's shared broker
 * (KafkaBrokerExtension), and one {@link AckLoop} on the test's own topics, closed after the test.
 */
@ExtendWith({VertxExtension.class, KafkaBrokerExtension.class})
abstract class AckLoopTest {

  AckLoop loop;

  /** The test's loop, on topics named after the test method. */
  AckLoop loop(Vertx vertx, KafkaBroker broker, TestInfo info) {
    loop = new AckLoop(vertx, broker, info.getTestMethod().orElseThrow().getName());
    return loop;
  }

  @AfterEach
  void closeLoop() {
    if (loop != null) {
      loop.close();
    }
  }
}

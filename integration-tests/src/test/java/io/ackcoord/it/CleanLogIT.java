package io.ackcoord.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.consumer.ConsumerVerticle;
import io.ackcoord.producer.ProducerVerticle;
import io.ackcoord.testkit.KafkaBroker;
import io.ackcoord.testkit.KafkaBrokerExtension;
import io.ackcoord.testkit.ManagedProcess;
import io.ackcoord.testkit.Ports;
import io.ackcoord.testkit.Readiness;
import io.ackcoord.testkit.TestTopics;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A normal day, as an operator's log sees it: A and B started as processes ({@code bin/vertx run}), a few messages,
 * a SIGTERM each. Neither logs a WARN or an ERROR, nor a stack trace; in the JSON format every line is a JSON object
 * with the common fields, and a line about a message carries the message's.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CleanLogIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final Pattern WARN_OR_ERROR = Pattern.compile("\\b(WARN|ERROR)\\b");
  private static final Pattern STACK_FRAME = Pattern.compile("^\\s+at \\S+\\(.*\\)$|^Caused by: ");

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newHttpClient();
  private ManagedProcess a;
  private ManagedProcess b;

  @AfterEach
  void tearDown() {
    for (ManagedProcess p : new ManagedProcess[] {a, b}) {
      if (p != null && p.isAlive()) {
        p.kill();
      }
    }
  }

  @ParameterizedTest(name = "ACKCOORD_LOG_FORMAT={0}")
  @ValueSource(strings = {"plain", "json"})
  @DisplayName("start, three messages, SIGTERM: no WARN, no ERROR, no stack trace in A's and B's logs")
  void normalDay(String format, KafkaBroker broker, TestInfo info) throws Exception {
    String prefix = TestTopics.uniquePrefix(info.getDisplayName() + format);
    int portA = Ports.free();
    int portB = Ports.free();
    Map<String, String> common = Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
        "TOPIC_PREFIX", prefix,
        "ACKCOORD_LOG_FORMAT", format,
        // DEBUG shows B's lines about each message (a repeat is ACKed again) with their fields.
        "ACKCOORD_LOG_LEVEL", format.equals("json") ? "DEBUG" : "INFO");
    b = launch("b-" + format, ConsumerVerticle.class, common, Map.of(
        "CONSUMER_GROUP_ID", prefix + "b", "CONSUMER_INSTANCE_ID", "b-clean", "HTTP_PORT", Integer.toString(portB)));
    a = launch("a-" + format, ProducerVerticle.class, common, Map.of(
        "PRODUCER_ID", "a-clean", "HTTP_PORT", Integer.toString(portA)));
    Readiness.await(b, portB, TIMEOUT);
    Readiness.await(a, portA, TIMEOUT);

    for (int i = 0; i < 3; i++) {
      submit(portA, "clean-" + i);
    }
    await().until(() -> acked(portA) == 3);
    // The same id once more, after its ACK: B answers it from its processed ids (a DEBUG line about the message).
    submit(portA, "clean-0");
    await().until(() -> acked(portA) == 4);

    assertThat(a.stop(TIMEOUT)).as("A exits on SIGTERM: %s", a.recentOutput()).isEqualTo(143);
    assertThat(b.stop(TIMEOUT)).as("B exits on SIGTERM: %s", b.recentOutput()).isEqualTo(143);

    List<String> aLines = Files.readAllLines(a.logFile());
    List<String> bLines = Files.readAllLines(b.logFile());
    assertThat(String.join("\n", aLines)).contains("Producer A 'a-clean' stopped");
    assertThat(String.join("\n", bLines)).contains("Consumer B b-clean stopped");
    for (List<String> lines : List.of(aLines, bLines)) {
      assertThat(lines).as("no WARN or ERROR").noneMatch(l -> WARN_OR_ERROR.matcher(l).find());
      assertThat(lines).as("no stack trace").noneMatch(l -> STACK_FRAME.matcher(l).find());
    }
    if (format.equals("json")) {
      for (List<String> lines : List.of(aLines, bLines)) {
        assertThat(lines).isNotEmpty().allSatisfy(CleanLogIT::isLogObject);
      }
      assertThat(bLines.stream().map(JsonObject::new).filter(j -> "clean-0".equals(j.getString("messageId"))))
          .as("B's lines about clean-0 carry its fields").isNotEmpty().allSatisfy(j -> {
            assertThat(j.getInteger("attempt")).isEqualTo(1);
            assertThat(j.getString("producer")).isEqualTo("a-clean");
            assertThat(j.getString("consumer")).isEqualTo("b-clean");
          });
    }
  }

  private static void isLogObject(String line) {
    JsonObject json;
    try {
      json = new JsonObject(line);
    } catch (DecodeException e) {
      throw new AssertionError("not a JSON object: " + line, e);
    }
    assertThat(json.fieldNames()).as(line).contains("@timestamp", "level", "logger", "thread", "message");
  }

  private ManagedProcess launch(String name, Class<?> verticle, Map<String, String> common, Map<String, String> own)
      throws IOException {
    Path root = ConsumerProcess.repositoryRoot();
    ManagedProcess.Builder builder = ManagedProcess.builder(name,
            List.of(root.resolve("bin/vertx").toString(), "run", verticle.getName()))
        .directory(root)
        .logFile(dir.resolve(name + ".log"))
        .env("ACKCOORD_JAVA_OPTS", "-Xms64m -Xmx384m -XX:+UseSerialGC")
        .env("VERTX_CONFIG_PATH", "");
    common.forEach(builder::env);
    own.forEach(builder::env);
    return builder.start();
  }

  private void submit(int port, String id) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/messages"))
        .header("Content-Type", "application/json").header("X-Ackcoord-Id", id)
        .POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
  }

  private long acked(int port) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/status")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new JsonObject(response.body()).getLong("acked");
  }

  private static org.awaitility.core.ConditionFactory await() {
    return Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(250)).ignoreExceptions();
  }
}

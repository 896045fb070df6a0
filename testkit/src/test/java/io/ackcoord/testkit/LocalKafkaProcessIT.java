package io.ackcoord.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker process itself: restart on the same data dir, crash, freeze, and its launcher's failure modes. */
class LocalKafkaProcessIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  static Path workDir;

  private static LocalKafkaProcess broker;

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

  @Test
  @DisplayName("a record written before a clean stop is read back after a restart on the same port and data dir")
  void survivesRestart() {
    String topic = TestTopics.uniquePrefix("restart") + "events";
    String bootstrap = broker.bootstrapServers();
    KafkaTestClients.createTopics(bootstrap, 1, topic);
    KafkaTestClients.produceRaw(bootstrap, topic, null, "before-restart".getBytes(UTF_8), List.of());

    broker.stop();
    assertThat(broker.isAlive()).isFalse();
    broker.restart();

    assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
    assertThat(KafkaTestClients.readAll(bootstrap, topic, IsolationLevel.READ_COMMITTED, TIMEOUT))
        .extracting(ConsumerRecord::value).containsExactly("before-restart");
  }

  @Test
  @DisplayName("acknowledged records survive a SIGKILL of the broker")
  void survivesKill() {
    String topic = TestTopics.uniquePrefix("kill") + "events";
    KafkaTestClients.createTopics(broker.bootstrapServers(), 1, topic);
    KafkaTestClients.produceRaw(broker.bootstrapServers(), topic, null, "before-kill".getBytes(UTF_8), List.of());

    broker.kill();
    assertThat(broker.isAlive()).isFalse();
    broker.restart();

    assertThat(KafkaTestClients.readAll(broker.bootstrapServers(), topic, IsolationLevel.READ_COMMITTED, TIMEOUT))
        .extracting(ConsumerRecord::value).containsExactly("before-kill");
  }

  @Test
  @DisplayName("a paused broker answers nothing until resumed")
  void pauseAndResume() {
    broker.pause();
    try {
      assertThatThrownBy(() -> describeCluster(Duration.ofSeconds(1)))
          .hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    } finally {
      broker.resume();
    }
    assertThat(describeCluster(TIMEOUT)).isEqualTo(1);
  }

  @Test
  @DisplayName("bad arguments: the launcher exits with status 2 and names the option")
  void rejectsBadArguments(@TempDir Path dir) throws Exception {
    try (ManagedProcess launcher = launcher(dir, "--port", "nope")) {
      assertThat(launcher.onExit().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(2);
      assertThat(launcher.recentOutput()).contains("--port expects a port number, got 'nope'");
    }
  }

  @Test
  @DisplayName("a port in use: the launcher exits with status 1 and one line saying so")
  void portInUse(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
         ManagedProcess launcher = launcher(dir, "--port", Integer.toString(taken.getLocalPort()))) {
      assertThat(launcher.onExit().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(launcher.recentOutput())
          .contains("local-kafka failed to start: --port " + taken.getLocalPort())
          .contains("is already in use");
    }
  }

  private static ManagedProcess launcher(Path dir, String... args) {
    List<String> command = new java.util.ArrayList<>(
        List.of(LocalKafkaProcess.locateRoot().resolve("bin/local-kafka").toString(), "--data-dir",
            dir.resolve("data").toString()));
    command.addAll(List.of(args));
    return ManagedProcess.builder("local-kafka-launcher", command).logFile(dir.resolve("launcher.log")).start();
  }

  private static int describeCluster(Duration timeout) {
    Map<String, Object> props = Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(props)) {
      return admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
          .nodes().get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS).size();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

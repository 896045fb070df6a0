package io.ackcoord.localkafka;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import kafka.server.KafkaConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;

/**
 * The one KRaft node {@link LocalKafka} runs: its broker properties (single node, combined broker and controller,
 * tuned for tests and demos, plus the user's {@code --override}s) and the formatting of new storage. Kept apart
 * from the process life cycle because this is what changes with the Kafka version.
 */
final class KraftNode {

  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  /** Written by the formatter; its presence means "already formatted, reuse". */
  private static final String META_PROPERTIES = "meta.properties";

  private final LocalKafkaOptions options;
  private final Logger log;

  KraftNode(LocalKafkaOptions options, Logger log) {
    this.options = options;
    this.log = log;
  }

  Properties properties(Path dataDir, int port, int controllerPort) {
    String host = options.host();
    Properties props = new Properties();
    // Single node, KRaft combined mode, static quorum of one voter: the controller port may change between
    // restarts on the same data dir (static voters are read from config, never stored in the metadata log).
    props.put("process.roles", "broker,controller");
    props.put("node.id", Integer.toString(NODE_ID));
    props.put("controller.quorum.voters", NODE_ID + "@" + hostPort(host, controllerPort));
    props.put("controller.listener.names", CONTROLLER_LISTENER);
    props.put("listeners",
        "PLAINTEXT://" + hostPort(host, port) + "," + CONTROLLER_LISTENER + "://" + hostPort(host, controllerPort));
    props.put("advertised.listeners", "PLAINTEXT://" + hostPort(host, port));
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", dataDir.toString());
    // Tuned for tests and demos: one replica everywhere, first group / transaction use is quick
    // (few internal partitions, no rebalance delay), topics exist only when created on purpose.
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "5");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "5");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    // Share groups may take record locks down to 1 s (Kafka's floor is 15 s), so a test of a handler outliving its
    // lock does not take a minute.
    props.put("group.share.min.record.lock.duration.ms", "1000");
    props.put("auto.create.topics.enable", "false");
    props.put("num.partitions", "3");
    // After a SIGKILL the restarted controller waits for the dead incarnation's session to expire before the
    // broker may register again: 3 s instead of the default 9 s keeps crash-and-restart tests quick.
    props.put("broker.session.timeout.ms", "3000");
    props.put("broker.heartbeat.interval.ms", "500");
    // The consumer group protocol (KIP-848) keeps the session on the broker, 45 s at least by default. The same
    // 10 s session and 3 s heartbeat as B's classic defaults make the two protocols comparable, and the classic
    // minimums (6 s, 1 s) let tests use short sessions under both.
    props.put("group.consumer.min.session.timeout.ms", "6000");
    props.put("group.consumer.session.timeout.ms", "10000");
    props.put("group.consumer.min.heartbeat.interval.ms", "1000");
    props.put("group.consumer.heartbeat.interval.ms", "3000");
    // Share groups too keep the session on the broker (45 s at least by default): until it expires, a killed B stays
    // a member and its partitions are served by no one. The same 10 s keeps share-mode crash tests quick.
    props.put("group.share.min.session.timeout.ms", "6000");
    props.put("group.share.session.timeout.ms", "10000");
    props.put("group.share.min.heartbeat.interval.ms", "1000");
    props.put("group.share.heartbeat.interval.ms", "3000");

    Set<String> known = KafkaConfig.configDef().names();
    options.overrides().forEach((key, value) -> {
      if (!known.contains(key)) {
        log.warn("--override {}: not a property this broker version knows; passing it on anyway", key);
      }
      props.put(key, value);
    });
    return props;
  }

  void formatIfNew(KafkaConfig config, Path dataDir) throws Exception {
    if (Files.exists(dataDir.resolve(META_PROPERTIES))) {
      log.info("reusing formatted storage in {}", dataDir);
      return;
    }
    String clusterId = Uuid.randomUuid().toString();
    ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
    try (PrintStream formatterPrints = new PrintStream(formatterOutput, true, StandardCharsets.UTF_8)) {
      new Formatter()
          .setPrintStream(formatterPrints) // its default is System.out, which belongs to the ready line
          .setNodeId(config.nodeId())
          .setClusterId(clusterId)
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setMetadataLogDirectory(config.metadataLogDir())
          .setDirectories(List.of(dataDir.toString()))
          .setUnstableFeatureVersionsEnabled(config.unstableFeatureVersionsEnabled())
          .setHasDynamicQuorum(false)
          .run();
    }
    log.info("formatted new storage in {} (cluster id {})", dataDir, clusterId);
    log.debug("formatter output: {}", formatterOutput.toString(StandardCharsets.UTF_8).strip());
  }

  private static String hostPort(String host, int port) {
    return LocalKafka.hostPort(host, port);
  }
}

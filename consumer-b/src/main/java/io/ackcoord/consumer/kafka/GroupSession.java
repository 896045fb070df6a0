package io.ackcoord.consumer.kafka;

import io.ackcoord.consumer.GroupProtocol;
import io.ackcoord.kafka.ClientConfig;
import io.ackcoord.kafka.KafkaClientFactory;
import io.ackcoord.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session B's group consumer runs under, as the group coordinator enforces it: B's {@code Lease} and its
 * duration rest on it.
 *
 * <p>Under {@link GroupProtocol#CLASSIC} the session timeout and heartbeat interval are the consumer's own
 * properties, and an offset commit the coordinator accepts restarts the session. Under {@link GroupProtocol#CONSUMER}
 * (KIP-848) they are group configs on the broker ({@value #GROUP_SESSION_TIMEOUT}, {@value #GROUP_HEARTBEAT_INTERVAL},
 * defaulting to the broker's {@code group.consumer.session.timeout.ms} / {@code group.consumer.heartbeat.interval.ms}),
 * and only heartbeats restart the session: an accepted commit proves that B was still a member when it arrived, and
 * its last heartbeat went out at most one heartbeat interval before (the consumer's background thread sends one
 * per interval, and it is the thread that sent the commit).
 *
 * @param timeoutMillis           the session timeout the coordinator applies to B
 * @param heartbeatIntervalMillis how often B's consumer heartbeats
 * @param commitsRenew            whether an accepted offset commit restarts the session (classic)
 */
public record GroupSession(long timeoutMillis, long heartbeatIntervalMillis, boolean commitsRenew) {

  /** The group config that holds the session timeout under the consumer protocol. */
  public static final String GROUP_SESSION_TIMEOUT = "consumer.session.timeout.ms";
  /** The group config that holds the heartbeat interval under the consumer protocol. */
  public static final String GROUP_HEARTBEAT_INTERVAL = "consumer.heartbeat.interval.ms";
  /** The broker's bound on {@value #GROUP_SESSION_TIMEOUT}, named in the error when it refuses a value. */
  public static final String BROKER_MIN_SESSION_TIMEOUT = "group.consumer.min.session.timeout.ms";

  private static final Logger LOG = LoggerFactory.getLogger(GroupSession.class);
  private static final long ADMIN_TIMEOUT_MS = 15_000;
  /** The member epoch of a static member that left and keeps its name for a successor (KIP-848). */
  private static final int LEFT_STATIC_MEMBER_EPOCH = -2;
  /** Beyond one session, how long a restarted B waits for its name before it concludes another B holds it. */
  private static final long RELEASE_MARGIN_MS = 10_000;
  private static final long RELEASE_POLL_MS = 500;

  /**
   * How long after B sent a request that the coordinator accepted (an offset commit, a join) no other B can own
   * B's partitions: the session timeout, less one heartbeat interval where commits do not restart the session.
   */
  public long confirmedMillis() {
    return commitsRenew ? timeoutMillis : Math.max(1, timeoutMillis - heartbeatIntervalMillis);
  }

  /**
   * The session of B's group {@code groupId}. Under the consumer protocol it asks the broker (off the event loop),
   * first setting the group's configs to the {@code session.timeout.ms} / {@code heartbeat.interval.ms} of
   * {@code kafka.consumer.properties} when the user gave them; fails, naming the broker's minimum, if the broker
   * refuses them.
   */
  public static Future<GroupSession> of(Vertx vertx, KafkaSettings kafka, String groupId, GroupProtocol protocol) {
    if (protocol == GroupProtocol.CLASSIC) {
      Map<String, String> config = KafkaClients.classicSessionConfig(kafka);
      return Future.succeededFuture(new GroupSession(
          number(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, config.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)),
          number(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, config.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)),
          true));
    }
    return vertx.executeBlocking(() -> {
      try (Admin admin = KafkaClientFactory.newAdmin(ClientConfig.admin(kafka, "ackcoord-b-group-admin"))) {
        return fromBroker(admin, kafka, groupId);
      }
    }, false);
  }

  /**
   * Under the consumer protocol, completes once no live member of {@code groupId} holds {@code instanceId}. There a
   * static member that did not leave (a B killed with SIGKILL) keeps its name until its session expires, and a
   * newcomer under that name is refused for good ({@code UNRELEASED_INSTANCE_ID} is fatal to the consumer), where the
   * classic protocol hands the name to the newcomer at once. So a restarted B waits for its predecessor's session
   * here, and fails, naming the holder, if the name is still held after a session and a margin: another B runs under
   * it. Admin calls are asynchronous; only creating the client runs on a worker.
   */
  public Future<Void> awaitInstanceReleased(Vertx vertx, KafkaSettings kafka, String groupId, String instanceId) {
    if (commitsRenew) {
      return Future.succeededFuture();
    }
    long deadline = System.nanoTime() + (timeoutMillis + RELEASE_MARGIN_MS) * 1_000_000;
    return vertx.executeBlocking(() -> KafkaClientFactory.newAdmin(
            ClientConfig.admin(kafka, "ackcoord-b-group-admin")), false)
        .compose(admin -> awaitReleased(vertx, admin, groupId, instanceId, deadline, true)
            .eventually(() -> vertx.executeBlocking(() -> {
              admin.close(Duration.ofSeconds(5));
              return null;
            }, false)));
  }

  private Future<Void> awaitReleased(Vertx vertx, Admin admin, String groupId, String instanceId, long deadline,
      boolean first) {
    Future<Optional<String>> holder = Future.fromCompletionStage(
            admin.describeConsumerGroups(List.of(groupId)).all().toCompletionStage(), vertx.getOrCreateContext())
        .map(groups -> groups.values().stream().flatMap(g -> g.members().stream())
            .filter(m -> m.groupInstanceId().filter(instanceId::equals).isPresent()
                && m.memberEpoch().orElse(0) != LEFT_STATIC_MEMBER_EPOCH)
            .map(MemberDescription::consumerId).findFirst())
        .recover(err -> err instanceof GroupIdNotFoundException || err.getCause() instanceof GroupIdNotFoundException
            ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(err));
    return holder.compose(member -> {
      if (member.isEmpty()) {
        return Future.succeededFuture();
      }
      if (System.nanoTime() - deadline > 0) {
        return Future.failedFuture(new IllegalStateException("consumer.instance.id " + instanceId + " is still held "
            + "by member " + member.get() + " of consumer group " + groupId + " after " + (timeoutMillis
            + RELEASE_MARGIN_MS) + " ms: another B runs under this name. Under group.protocol=consumer a newcomer "
            + "cannot take a name over; give every B its own consumer.instance.id"));
      }
      if (first) {
        LOG.info("consumer.instance.id {} is still held by member {} of {} (a previous B that did not leave): "
            + "waiting for its session ({} ms) to expire", instanceId, member.get(), groupId, timeoutMillis);
      }
      return vertx.timer(RELEASE_POLL_MS).compose(t -> awaitReleased(vertx, admin, groupId, instanceId, deadline,
          false));
    });
  }

  // Blocks: on a worker.
  private static GroupSession fromBroker(Admin admin, KafkaSettings kafka, String groupId) throws Exception {
    ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
    List<AlterConfigOp> ops = new ArrayList<>();
    userValue(kafka, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, GROUP_SESSION_TIMEOUT, ops);
    userValue(kafka, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, GROUP_HEARTBEAT_INTERVAL, ops);
    if (!ops.isEmpty()) {
      try {
        admin.incrementalAlterConfigs(Map.of(group, ops)).all().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw new IllegalStateException("group.protocol=consumer: the broker refused " + describe(ops) + " for "
            + "consumer group " + groupId + " (from kafka.consumer.properties): " + e.getCause().getMessage()
            + ". Under this protocol the session is a group config, bounded by the broker's "
            + BROKER_MIN_SESSION_TIMEOUT + " (45000 by default) and group.consumer.min.heartbeat.interval.ms "
            + "(5000 by default): raise the values, or lower the broker's minimums", e.getCause());
      }
    }
    Config config;
    try {
      config = admin.describeConfigs(List.of(group)).all().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS).get(group);
    } catch (ExecutionException e) {
      throw new IllegalStateException("group.protocol=consumer needs brokers of Kafka 4.0 or later with the consumer "
          + "group protocol (and DESCRIBE_CONFIGS on group " + groupId + "): reading the group's "
          + GROUP_SESSION_TIMEOUT + " failed: " + e.getCause().getMessage(), e.getCause());
    }
    Map<String, String> values = new HashMap<>();
    for (ConfigEntry e : config.entries()) {
      if (e.value() != null) {
        values.put(e.name(), e.value());
      }
    }
    GroupSession session = new GroupSession(
        number(GROUP_SESSION_TIMEOUT, values.get(GROUP_SESSION_TIMEOUT)),
        number(GROUP_HEARTBEAT_INTERVAL, values.get(GROUP_HEARTBEAT_INTERVAL)),
        false);
    LOG.info("Consumer group {} (group.protocol=consumer): {}={} ms, {}={} ms, as the broker has them", groupId,
        GROUP_SESSION_TIMEOUT, session.timeoutMillis(), GROUP_HEARTBEAT_INTERVAL, session.heartbeatIntervalMillis());
    return session;
  }

  private static void userValue(KafkaSettings kafka, String clientKey, String groupKey, List<AlterConfigOp> ops) {
    Object value = kafka.consumerProperties().getValue(clientKey);
    if (value == null) {
      value = kafka.clientProperties().getValue(clientKey);
    }
    if (value != null) {
      String text = String.valueOf(value).trim();
      number(clientKey, text);
      ops.add(new AlterConfigOp(new ConfigEntry(groupKey, text), AlterConfigOp.OpType.SET));
    }
  }

  private static String describe(List<AlterConfigOp> ops) {
    return ops.stream().map(op -> op.configEntry().name() + "=" + op.configEntry().value()).toList().toString();
  }

  private static long number(String key, String value) {
    if (value == null) {
      throw new IllegalStateException(key + " is not known: the broker did not report it");
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " is not a number: " + value, e);
    }
  }
}

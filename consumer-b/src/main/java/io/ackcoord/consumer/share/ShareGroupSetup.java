package io.ackcoord.consumer.share;

import io.ackcoord.kafka.ClientConfig;
import io.ackcoord.kafka.KafkaClientFactory;
import io.ackcoord.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a share group needs before B joins it, checked and set at start-up: the cluster has share groups enabled
 * (feature {@code share.version} at least 1), and the group starts at the beginning of topic 1 and skips aborted
 * transactions. A share group starts at the end by default: a message A sent before the first B ever joined would
 * never be delivered, so B sets {@code share.auto.offset.reset = earliest} whatever the group had.
 */
public final class ShareGroupSetup {

  private static final Logger LOG = LoggerFactory.getLogger(ShareGroupSetup.class);
  static final String SHARE_VERSION = "share.version";
  static final String AUTO_OFFSET_RESET = "share.auto.offset.reset";
  static final String ISOLATION_LEVEL = "share.isolation.level";
  static final String LOCK_DURATION = "share.record.lock.duration.ms";
  private static final long TIMEOUT_SECONDS = 15;

  private ShareGroupSetup() {
  }

  /**
   * Checks the cluster, sets the group's configs and returns the group's record lock duration in ms. Fails with what
   * is missing and how to add it.
   */
  public static Future<Long> prepare(Vertx vertx, KafkaSettings kafka, String groupId) {
    return vertx.executeBlocking(() -> {
      try (Admin admin = KafkaClientFactory.newAdmin(ClientConfig.admin(kafka, "ackcoord-b-share-setup"))) {
        checkFeature(admin.describeFeatures().featureMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .finalizedFeatures(), kafka.bootstrapServers());
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
        try {
          admin.incrementalAlterConfigs(Map.of(group, List.of(
              set(AUTO_OFFSET_RESET, "earliest"),
              set(ISOLATION_LEVEL, "read_committed")))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          throw new IllegalStateException("B could not set " + AUTO_OFFSET_RESET + "=earliest and "
              + ISOLATION_LEVEL + "=read_committed on share group " + groupId + " (" + e.getCause()
              + "); B needs ALTER_CONFIGS on the group, or an operator sets them with kafka-configs.sh "
              + "--entity-type groups --entity-name " + groupId + " --alter --add-config "
              + AUTO_OFFSET_RESET + "=earliest," + ISOLATION_LEVEL + "=read_committed", e.getCause());
        }
        Config config = admin.describeConfigs(List.of(group)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .get(group);
        ConfigEntry lock = config == null ? null : config.get(LOCK_DURATION);
        long lockMillis = lock == null || lock.value() == null ? 30_000 : Long.parseLong(lock.value().trim());
        LOG.info("Share group {}: starts at the earliest record, read_committed, record lock {} ms", groupId,
            lockMillis);
        return lockMillis;
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("B could not prepare share group " + groupId + ": " + e, e);
      }
    }, false);
  }

  /** Fails, naming what is missing and the command that adds it, unless the cluster has share groups enabled. */
  static void checkFeature(Map<String, FinalizedVersionRange> finalized, String bootstrapServers) {
    FinalizedVersionRange share = finalized.get(SHARE_VERSION);
    if (share == null || share.maxVersionLevel() < 1) {
      throw new IllegalStateException("consumer.mode = share needs share groups, which the cluster at "
          + bootstrapServers + " does not have enabled (feature " + SHARE_VERSION + " is "
          + (share == null ? "not finalized" : share.maxVersionLevel()) + "). Kafka 4.2 or later enables them on "
          + "new clusters; on an upgraded one run kafka-features.sh --bootstrap-server " + bootstrapServers
          + " upgrade --feature " + SHARE_VERSION + "=1, or start B with consumer.mode = group");
    }
  }

  private static AlterConfigOp set(String key, String value) {
    return new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET);
  }
}

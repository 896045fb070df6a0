package io.ackcoord.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.admin.TopicDescription;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a deployment's topics exist before a verticle uses them, and reports their partition counts (A needs
 * the count of topic 2 to pick the partition its replies go to).
 *
 * <p>A and B may start at the same moment and race to create the same topics; "already exists" is success.
 */
public final class TopicAdmin {

  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

  private TopicAdmin() {
  }

  /**
   * Creates the missing topics of {@code settings} (when {@code topic.create} is on), then describes them.
   *
   * @return partition count per topic name; fails if a topic is missing and may not be created
   */
  public static Future<Map<String, Integer>> ensureTopics(Vertx vertx, KafkaSettings settings) {
    KafkaAdminClient admin = KafkaAdminClient.create(vertx, settings.adminConfig());
    List<String> names = settings.topics().all();
    return admin.listTopics()
        .compose(existing -> create(admin, settings, names, existing))
        .compose(v -> admin.describeTopics(names))
        .map(TopicAdmin::partitionCounts)
        .eventually(() -> admin.close());
  }

  private static Future<Void> create(KafkaAdminClient admin, KafkaSettings settings, List<String> names,
      Set<String> existing) {
    List<NewTopic> missing = names.stream().filter(n -> !existing.contains(n))
        .map(n -> new NewTopic(n, settings.partitions(), settings.replicationFactor()))
        .toList();
    if (missing.isEmpty()) {
      return Future.succeededFuture();
    }
    if (!settings.createTopics()) {
      return Future.failedFuture(new IllegalStateException("topics missing and topic.create is false: "
          + missing.stream().map(NewTopic::getName).toList()));
    }
    LOG.info("Creating topics {} with {} partitions, replication factor {}",
        missing.stream().map(NewTopic::getName).toList(), settings.partitions(), settings.replicationFactor());
    return admin.createTopics(missing).recover(err -> isTopicExists(err)
        ? Future.succeededFuture()
        : Future.failedFuture(err));
  }

  private static boolean isTopicExists(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof TopicExistsException) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, Integer> partitionCounts(Map<String, TopicDescription> descriptions) {
    Map<String, Integer> counts = new HashMap<>();
    descriptions.forEach((name, d) -> counts.put(name, d.getPartitions().size()));
    return counts;
  }
}

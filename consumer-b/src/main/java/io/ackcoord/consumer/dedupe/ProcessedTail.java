package io.ackcoord.consumer.dedupe;

import io.ackcoord.consumer.DedupeStore;
import io.ackcoord.consumer.kafka.KafkaClients;
import io.ackcoord.kafka.KafkaSettings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Share mode's shared dedupe record: every B follows every partition of {@code <prefix>processed} from the moment it
 * starts and adds the ids other Bs mark to its own {@link DedupeStore}, since in a share group any B may get the
 * re-sent copy of any id. The ids from before the start come from the restore; the tail starts at the end it found
 * before the restore began, so nothing falls between the two.
 *
 * <p>What remains: a copy that reaches one B while another still runs the first, or within the time a marker takes
 * to reach the others (a produce and a fetch, milliseconds on a healthy cluster), is processed again. Ids whose MAC is
 * wrong ({@code dedupe.marker.key}) do not count, as in a restore. Its own thread, as the group consumer has.
 */
public final class ProcessedTail {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessedTail.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final KafkaSettings kafka;
  private final String clientId;
  private final MarkerMacs macs;
  private final DedupeStore store;
  private final Context context;
  private final Promise<Void> closed = Promise.promise();
  private volatile boolean closing;
  private volatile Thread thread;

  public ProcessedTail(KafkaSettings kafka, String clientId, MarkerMacs macs, DedupeStore store, Context context) {
    this.kafka = kafka;
    this.clientId = clientId;
    this.macs = macs;
    this.store = store;
    this.context = context;
  }

  /** Starts following every partition of the processed topic from its end now; completes once that end is fixed. */
  public Future<Void> start(int partitions) {
    Promise<Void> started = Promise.promise();
    Thread t = new Thread(() -> run(partitions, started), clientId);
    t.setDaemon(true);
    thread = t;
    t.start();
    return started.future();
  }

  /** Stops following; completes on B's context. */
  public Future<Void> close() {
    closing = true;
    Thread t = thread;
    if (t == null) {
      return Future.succeededFuture();
    }
    return closed.future();
  }

  private void run(int partitions, Promise<Void> started) {
    String topic = kafka.topics().processed();
    long[] refused = {0};
    try (KafkaConsumer<String, byte[]> reader = KafkaClients.readerConsumer(kafka, clientId, false,
        new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        tps.add(new TopicPartition(topic, p));
      }
      reader.assign(tps);
      reader.seekToEnd(tps);
      tps.forEach(reader::position); // fixes the start before the restore takes its end
      context.runOnContext(v -> started.tryComplete());
      while (!closing) {
        ConsumerRecords<String, byte[]> records = reader.poll(POLL);
        for (ConsumerRecord<String, byte[]> record : records) {
          List<String> ids = PartitionKeys.markedIds(record.key(), record.value(), macs, refused);
          if (!ids.isEmpty()) {
            TopicPartition source = new TopicPartition(kafka.topics().messages(), record.partition());
            context.runOnContext(v -> ids.forEach(id -> store.add(source, id)));
          }
        }
        if (refused[0] > 0) {
          LOG.warn("Ignored {} processed id(s) on {} whose MAC is wrong", refused[0], topic);
          refused[0] = 0;
        }
      }
    } catch (InterruptException | WakeupException e) {
      LOG.debug("{} interrupted", clientId);
    } catch (RuntimeException e) {
      LOG.error("{} stopped following {}: {}; re-sent copies of ids other Bs mark from now on may be processed "
          + "again here", clientId, topic, e.toString());
      context.runOnContext(v -> started.tryFail(e));
    } finally {
      context.runOnContext(v -> closed.tryComplete());
    }
  }
}

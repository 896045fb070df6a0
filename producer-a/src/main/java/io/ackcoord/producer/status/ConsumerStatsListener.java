package io.ackcoord.producer.status;

import io.ackcoord.protocol.SafeText;
import io.ackcoord.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the stats topic, where every consumer B publishes its counters once a second, into {@link ConsumerReports}.
 *
 * <p>Every partition is assigned (no consumer group, nothing committed) and reading starts at the records of the
 * last {@code lookbackMillis}, so A knows at once about every B alive then, and about the ones that went silent
 * recently. Telemetry only: a record that is not a JSON report is skipped with a debug line, never parked.
 */
public final class ConsumerStatsListener {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerStatsListener.class);

  private final KafkaReadStream<String, byte[]> consumer;
  private final String topic;
  /** A real report is a few hundred bytes; anything far larger is not parsed on the event loop. */
  static final int MAX_REPORT_BYTES = 1 << 20;

  private final ConsumerReports reports;
  private final long lookbackMillis;
  private final Clock clock;

  public ConsumerStatsListener(KafkaReadStream<String, byte[]> consumer, String topic, ConsumerReports reports,
      long lookbackMillis, Clock clock) {
    this.clock = clock;
    this.consumer = consumer;
    this.topic = topic;
    this.reports = reports;
    this.lookbackMillis = lookbackMillis;
  }

  public Future<Void> start() {
    consumer.exceptionHandler(err -> LOG.warn("Stats consumer error on {}: {}", topic, err.getMessage()));
    consumer.handler(this::onRecord);
    return consumer.partitionsFor(topic).compose(infos -> {
      Set<TopicPartition> partitions = new HashSet<>();
      infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      long since = clock.wallMillis() - lookbackMillis;
      return consumer.assign(partitions).compose(v -> {
        List<Future<Void>> seeks = new ArrayList<>();
        for (TopicPartition tp : partitions) {
          seeks.add(consumer.offsetsForTimes(tp, since).compose(found -> seekTo(tp, found)));
        }
        return Future.all(seeks);
      }).onSuccess(v -> LOG.info("Reading consumer stats from {} ({} partition(s)), from {} ms back", topic,
          partitions.size(), lookbackMillis));
    }).mapEmpty();
  }

  public Future<Void> stop() {
    return consumer.close();
  }

  private Future<Void> seekTo(TopicPartition tp, OffsetAndTimestamp found) {
    return found == null ? consumer.seekToEnd(Set.of(tp)) : consumer.seek(tp, found.offset());
  }

  private void onRecord(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      return; // a tombstone: compaction of a B's key
    }
    if (record.value().length > MAX_REPORT_BYTES) {
      LOG.debug("Stats record of {} bytes ignored at {}-{}@{}", record.value().length, record.topic(),
          record.partition(), record.offset());
      return;
    }
    try {
      if (!reports.update(new JsonObject(io.vertx.core.buffer.Buffer.buffer(record.value())))) {
        LOG.debug("Stats record without consumerId at {}-{}@{}", record.topic(), record.partition(),
            record.offset());
      }
    } catch (DecodeException | ClassCastException e) {
      LOG.debug("Unreadable stats record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
          SafeText.clean(e.getMessage(), 200));
    }
  }
}

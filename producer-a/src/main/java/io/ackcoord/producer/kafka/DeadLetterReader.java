package io.ackcoord.producer.kafka;

import io.ackcoord.kafka.ContextAnswers;
import io.ackcoord.producer.coordinator.DeadLetter;
import io.ackcoord.producer.coordinator.DeadLetterFilter;
import io.ackcoord.producer.coordinator.DeadLetterSource;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.SafeText;
import io.ackcoord.tracing.TraceHeaders;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads the dead-letter topic back for redrives ({@link DeadLetterSource}), so a redrive finds a dead letter however
 * long ago and by whichever A it was written. One consumer without a group, on a thread of its own (its calls block;
 * never on the event loop), one read at a time; answers complete on A's context.
 *
 * <ul>
 *   <li>{@link #latest}: A keys dead letters by id, so the record lies in the partition the id hashes to (Kafka's
 *       default partitioner), read backwards from its end in windows of {@value #WINDOW} records: the newest
 *       letter of the id is found first. The other partitions follow (a custom partitioner, partitions added
 *       since).</li>
 *   <li>{@link #scan}: a time range starts and ends at the offsets the broker's time index gives
 *       ({@code offsetsForTimes}), so only the range is read; a cursor resumes a scan that stopped at its limit,
 *       at {@value #MAX_HELD_BYTES} bytes of payloads held, or at its time budget.</li>
 * </ul>
 * Both give up after {@code budgetMillis} with a {@link TimeoutException} (the lookup) or a cursor (the scan).
 */
public final class DeadLetterReader implements DeadLetterSource {

  /** Records read per backward step of a lookup. */
  static final int WINDOW = 1_000;
  /** Payload bytes a scan holds at most before it stops (with a cursor). */
  static final long MAX_HELD_BYTES = 64L << 20;
  private static final int MAX_REASON_CHARS = 2_000;
  private static final int MAX_FIELD_CHARS = 200;
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration METADATA = Duration.ofSeconds(10);

  private final Supplier<Consumer<String, byte[]>> factory;
  private final String topic;
  private final long budgetMillis;
  private final ContextAnswers answers;
  private final ExecutorService thread;
  private volatile boolean closed;
  // Reader thread only.
  private Consumer<String, byte[]> consumer;

  /**
   * @param factory      makes the consumer, on the reader's thread (its construction blocks)
   * @param topic        the dead-letter topic
   * @param context      where answers complete
   * @param budgetMillis how long one lookup or scan may read
   * @param name         names the reader's thread
   */
  public DeadLetterReader(Supplier<Consumer<String, byte[]>> factory, String topic, Context context,
      long budgetMillis, String name) {
    this.factory = factory;
    this.topic = topic;
    this.budgetMillis = budgetMillis;
    this.answers = new ContextAnswers(context);
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ackcoord-dead-letters-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public Future<DeadLetter> latest(String id) {
    return run(() -> findLatest(id));
  }

  @Override
  public Future<Scan> scan(DeadLetterFilter filter, String cursor, int limit) {
    return run(() -> scanRange(filter, cursor, limit));
  }

  /** Stops reading; a read under way fails. */
  public Future<Void> close() {
    closed = true;
    Promise<Void> done = Promise.promise();
    Consumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.execute(() -> {
        try {
          if (consumer != null) {
            consumer.close(Duration.ZERO);
          }
        } finally {
          done.complete();
        }
      });
    } catch (RejectedExecutionException e) {
      done.complete();
    }
    thread.shutdown();
    return done.future();
  }

  // The one door to the reader's thread.
  private <T> Future<T> run(Callable<T> read) {
    Promise<T> promise = Promise.promise();
    if (closed) {
      promise.fail(new IllegalStateException("the dead-letter reader is closed"));
      return promise.future();
    }
    try {
      thread.execute(() -> {
        try {
          if (consumer == null) {
            consumer = factory.get();
          }
          T result = read.call();
          answers.add(() -> promise.tryComplete(result));
        } catch (WakeupException e) {
          answers.add(() -> promise.tryFail(new IllegalStateException("the dead-letter reader is closed")));
        } catch (Exception e) {
          answers.add(() -> promise.tryFail(e));
        }
      });
    } catch (RejectedExecutionException e) {
      promise.fail(new IllegalStateException("the dead-letter reader is closed"));
    }
    return promise.future();
  }

  private List<TopicPartition> partitions() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " has no partitions");
    }
    List<TopicPartition> out = new ArrayList<>(infos.size());
    for (PartitionInfo info : infos) {
      out.add(new TopicPartition(topic, info.partition()));
    }
    out.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
    return out;
  }

  /** The partition Kafka's default partitioner gives key {@code id} among {@code count}. */
  static int partitionOf(String id, int count) {
    return Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % count;
  }

  private DeadLetter findLatest(String id) throws TimeoutException {
    long deadline = System.nanoTime() + budgetMillis * 1_000_000;
    List<TopicPartition> all = partitions();
    List<TopicPartition> order = new ArrayList<>(all.size());
    order.add(all.get(partitionOf(id, all.size())));
    all.stream().filter(tp -> !tp.equals(order.get(0))).forEach(order::add);
    for (TopicPartition tp : order) {
      DeadLetter found = latestIn(tp, id, deadline);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  // Backwards, a window at a time: the first window holding the id holds its newest letter.
  private DeadLetter latestIn(TopicPartition tp, String id, long deadline) throws TimeoutException {
    consumer.assign(List.of(tp));
    long begin = consumer.beginningOffsets(List.of(tp)).get(tp);
    long hi = consumer.endOffsets(List.of(tp)).get(tp);
    while (hi > begin) {
      long lo = Math.max(begin, hi - WINDOW);
      consumer.seek(tp, lo);
      ConsumerRecord<String, byte[]> newest = null;
      while (consumer.position(tp) < hi) {
        if (System.nanoTime() - deadline > 0) {
          throw new TimeoutException("no dead letter of this id found in " + topic + " within " + budgetMillis
              + " ms");
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          if (r.offset() < hi && id.equals(r.key())) {
            newest = r;
          }
        }
      }
      if (newest != null) {
        return letter(newest);
      }
      hi = lo;
    }
    return null;
  }

  private Scan scanRange(DeadLetterFilter filter, String cursor, int limit) {
    long deadline = System.nanoTime() + budgetMillis * 1_000_000;
    List<TopicPartition> all = partitions();
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(all);
    Map<TopicPartition, Long> end = consumer.endOffsets(all);
    Map<TopicPartition, Long> stop = filter.toMillis() == null ? end : offsetsAt(all, filter.toMillis(), end);
    Map<TopicPartition, Long> next = new HashMap<>();
    if (cursor != null) {
      Map<Integer, Long> resume = parseCursor(cursor, all.size());
      // A partition the cursor leaves out was read to its end.
      all.forEach(tp -> next.put(tp, resume.getOrDefault(tp.partition(), stop.get(tp))));
    } else if (filter.fromMillis() != null) {
      next.putAll(offsetsAt(all, filter.fromMillis(), end));
    } else {
      next.putAll(begin);
    }
    Set<TopicPartition> active = new HashSet<>();
    for (TopicPartition tp : all) {
      next.put(tp, Math.max(next.get(tp), begin.get(tp)));
      if (next.get(tp) < stop.get(tp)) {
        active.add(tp);
      }
    }
    consumer.assign(active);
    active.forEach(tp -> consumer.seek(tp, next.get(tp)));
    LinkedHashMap<String, DeadLetter> found = new LinkedHashMap<>();
    long scanned = 0;
    long held = 0;
    boolean full = false;
    while (!active.isEmpty() && !full && System.nanoTime() - deadline < 0) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (!active.contains(tp) || r.offset() < next.get(tp) || r.offset() >= stop.get(tp)) {
          continue;
        }
        if (found.size() >= limit && !found.containsKey(r.key()) || held > MAX_HELD_BYTES) {
          full = true; // this record and the rest are the next call's
          break;
        }
        next.put(tp, r.offset() + 1);
        scanned++;
        DeadLetter letter = letter(r);
        if (letter != null && filter.matches(letter)) {
          DeadLetter earlier = found.remove(letter.id());
          held += letter.payload().length - (earlier == null ? 0 : earlier.payload().length);
          found.put(letter.id(), letter);
        }
      }
      if (!full) {
        // Past the last record before stop (compacted gaps, a range ending on no record): this partition is done.
        for (TopicPartition tp : List.copyOf(active)) {
          if (consumer.position(tp) >= stop.get(tp)) {
            next.put(tp, stop.get(tp));
            active.remove(tp);
          }
        }
      }
    }
    TreeMap<Integer, Long> left = new TreeMap<>();
    for (TopicPartition tp : all) {
      if (next.get(tp) < stop.get(tp)) {
        left.put(tp.partition(), next.get(tp));
      }
    }
    StringBuilder resume = new StringBuilder();
    left.forEach((p, o) -> resume.append(resume.isEmpty() ? "" : ",").append(p).append(':').append(o));
    return new Scan(List.copyOf(found.values()), scanned, left.isEmpty() ? null : resume.toString());
  }

  // The first offset at or after `at` per partition; the end where nothing is that late.
  private Map<TopicPartition, Long> offsetsAt(List<TopicPartition> all, long at, Map<TopicPartition, Long> end) {
    Map<TopicPartition, Long> query = new HashMap<>();
    all.forEach(tp -> query.put(tp, Math.max(0, at)));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, METADATA);
    Map<TopicPartition, Long> out = new HashMap<>();
    for (TopicPartition tp : all) {
      OffsetAndTimestamp o = found.get(tp);
      out.put(tp, o == null ? end.get(tp) : o.offset());
    }
    return out;
  }

  /**
   * A scan's cursor: {@code <partition>:<offset>} for each partition not read to its end, comma-separated.
   *
   * @throws IllegalArgumentException when it is not one this reader could have written for the topic
   */
  static Map<Integer, Long> parseCursor(String cursor, int partitions) {
    Map<Integer, Long> out = new HashMap<>();
    String[] parts = cursor.split(",", -1);
    if (cursor.length() > 32 * Math.max(1, partitions) || parts.length > partitions) {
      throw badCursor();
    }
    for (String part : parts) {
      int colon = part.indexOf(':');
      try {
        int p = Integer.parseInt(part.substring(0, colon));
        long o = Long.parseLong(part.substring(colon + 1));
        if (p < 0 || p >= partitions || o < 0 || out.put(p, o) != null) {
          throw badCursor();
        }
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        throw badCursor();
      }
    }
    return out;
  }

  private static IllegalArgumentException badCursor() {
    return new IllegalArgumentException("invalid cursor: use the cursor of the previous answer, unchanged");
  }

  /** A record of the dead-letter topic as a {@link DeadLetter}, its strings cleaned; {@code null} without a key. */
  static DeadLetter letter(ConsumerRecord<String, byte[]> r) {
    if (r.key() == null || r.key().isEmpty()) {
      return null;
    }
    var headers = r.headers();
    Header reason = headers.lastHeader(KafkaOutbound.DEAD_LETTER_REASON);
    String why = reason == null || reason.value() == null ? ""
        : SafeText.clean(new String(reason.value(), StandardCharsets.UTF_8), MAX_REASON_CHARS);
    String producer = SafeText.clean(EnvelopeCodec.optional(headers, EnvelopeCodec.PRODUCER), MAX_FIELD_CHARS);
    String contentType = SafeText.clean(EnvelopeCodec.optional(headers, EnvelopeCodec.CONTENT_TYPE),
        MAX_FIELD_CHARS);
    return new DeadLetter(r.key(), r.partition(), r.offset(), r.timestamp(), producer == null ? "" : producer,
        (int) number(EnvelopeCodec.optional(headers, EnvelopeCodec.ATTEMPT)), why, contentType,
        number(EnvelopeCodec.optional(headers, EnvelopeCodec.TIMEOUT_MS)),
        r.value() == null ? new byte[0] : r.value(), TraceHeaders.of(r));
  }

  private static long number(String text) {
    try {
      long v = text == null ? 0 : Long.parseLong(text.trim());
      return v < 0 || v > Integer.MAX_VALUE ? 0 : v;
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}

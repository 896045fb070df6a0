package io.ackcoord.consumer.share;

import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.time.Clock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The share consumer's one thread (B1 Poll in a share group): it polls topic 1, hands new records to B, and tells the
 * broker what became of each.
 *
 * <p>In explicit acknowledgement mode every record a poll returned must be acknowledged before the next poll, so
 * B works in waves: poll, hand the records over, wait for each one's word ({@link Acknowledgements}), poll again; the
 * words go to the broker with that next poll. Once a record still running has less than
 * {@link ShareLocks#renewBeforeMillis()} of its lock left, every record of the wave still running is acknowledged
 * {@code RENEW}: the broker keeps them locked for this B, the wave ends, and the client returns them in a later poll,
 * where they are recognised as running and waited for again. (While renewed records are out, the client fetches
 * nothing new, KAFKA-20458; so B renews only when a lock is due, not on every IN_PROGRESS.)
 *
 * <p>A is the one retry authority. A record the broker delivers a second time (delivery count above 1: its lock
 * lapsed on a B that froze or died, or a B released it) is accepted without running the handler; if its first copy
 * was never answered, A re-sends it at its deadline. So the broker's redeliveries never add to A's re-sends.
 *
 * <p>Over 300 lines because the wave, the words waiting for renewed records to come back and the renewals are one
 * state that only the consumer thread touches; split into classes, each would need the others' maps.
 */
public final class ShareLoop implements Acknowledgements {

  /** B's side of the loop; called on the consumer thread. */
  public interface Listener {

    /** New records, in poll order; every one must get a word through {@link Acknowledgements}. */
    void records(List<Inbound> records);

    /** Records the broker delivered again, accepted unprocessed. */
    void redelivered(int count);

    /** A poll or an acknowledgement failed; the loop goes on. */
    void failed(RuntimeException error);
  }

  private static final Logger LOG = LoggerFactory.getLogger(ShareLoop.class);
  /** The epoch of every share-mode record: a share group has no assignments to tell apart. */
  public static final long EPOCH = 1;

  private record Word(ShareLocks.Key key, AcknowledgeType type) {
  }

  private final Supplier<ShareConsumer<String, byte[]>> factory;
  /** Consumer thread only, after {@link #start}. */
  private ShareConsumer<String, byte[]> consumer;
  private String topic;
  private final Context context;
  private final ShareLocks locks;
  private final Clock clock;
  private final Duration pollTimeout;
  private final Duration closeTimeout;
  private final String name;
  private final BlockingQueue<Word> words = new LinkedBlockingQueue<>();
  private final Promise<Void> closed = Promise.promise();
  private volatile boolean closing;
  private Listener listener;
  // Consumer thread only:
  /**
   * Records of the last poll still waiting for their word. A poll can return one record more than once, each copy
   * from a delivery the client fetched while B was busy (see {@link #pollOnce}); every copy needs the word.
   */
  private final Map<ShareLocks.Key, List<ConsumerRecord<String, byte[]>>> wave = new HashMap<>();
  /** Records handed to B and not yet acknowledged for good (renewed ones included). */
  private final Set<ShareLocks.Key> running = new HashSet<>();
  /** Words for renewed records, kept until the client returns them. */
  private final Map<ShareLocks.Key, AcknowledgeType> waitingForReturn = new HashMap<>();
  /** RENEWs sent and not yet answered, with when they were sent. */
  private final Map<ShareLocks.Key, Long> renewing = new HashMap<>();

  /**
   * @param factory     makes the share consumer (on the loop's thread, so it may block), and a new one should the
   *                    client's own bookkeeping of a poll's records go wrong (see {@link #pollOnce}); each is owned and
   *                    closed by this loop
   * @param context     B's context: {@link #close()} completes on it
   * @param pollTimeout longest poll, and how long the loop waits for words before it checks locks again
   */
  public ShareLoop(Supplier<ShareConsumer<String, byte[]>> factory, Context context, ShareLocks locks, Clock clock,
      Duration pollTimeout, Duration closeTimeout, String name) {
    this.factory = factory;
    this.context = context;
    this.locks = locks;
    this.clock = clock;
    this.pollTimeout = pollTimeout;
    this.closeTimeout = closeTimeout;
    this.name = name;
  }

  /** Starts the thread, which makes the consumer and subscribes it to {@code topic}. */
  public void start(String topic, Listener listener) {
    this.listener = listener;
    this.topic = topic;
    Thread thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void accept(Inbound in) {
    words.add(new Word(key(in), AcknowledgeType.ACCEPT));
  }

  @Override
  public void reject(Inbound in) {
    words.add(new Word(key(in), AcknowledgeType.REJECT));
  }

  @Override
  public void release(Inbound in) {
    words.add(new Word(key(in), AcknowledgeType.RELEASE));
  }

  /**
   * Stops polling, releases what has no word yet (the broker delivers it again, and B's skip it: A re-sends), and
   * closes the consumer, which sends the last acknowledgements; completes on B's context.
   */
  public Future<Void> close() {
    closing = true;
    return closed.future();
  }

  public static ShareLocks.Key key(Inbound in) {
    return new ShareLocks.Key(in.partition(), in.offset());
  }

  private static ShareLocks.Key key(ConsumerRecord<?, ?> record) {
    return new ShareLocks.Key(new TopicPartition(record.topic(), record.partition()), record.offset());
  }

  private static int deliveryCount(ConsumerRecord<?, ?> record) {
    return record.deliveryCount().orElse((short) 1);
  }

  private void acknowledgeCopies(ShareLocks.Key key, List<ConsumerRecord<String, byte[]>> copies,
      AcknowledgeType type) {
    for (ConsumerRecord<String, byte[]> copy : copies) {
      try {
        consumer.acknowledge(copy, type);
      } catch (IllegalStateException | KafkaException e) {
        LOG.warn("{}: could not acknowledge {} as {}: {}", name, key, type, e.toString());
      }
    }
  }

  private void subscribe() {
    consumer = factory.get();
    consumer.subscribe(List.of(topic));
    consumer.setAcknowledgementCommitCallback(this::answered);
  }

  private void run() {
    try {
      subscribe();
      while (!closing) {
        takeWords(wave.isEmpty() ? 0 : pollTimeout.toMillis());
        if (!wave.isEmpty()) {
          renewDue();
          continue;
        }
        pollOnce();
      }
    } catch (InterruptedException | InterruptException e) {
      LOG.debug("{} interrupted, closing", name);
    } catch (RuntimeException e) {
      LOG.error("{} stopped: {}; this B takes no more records", name, e.toString(), e);
    } finally {
      closeConsumer();
    }
  }

  // The words go to the broker with the next poll: a separate commit would make the client never hand renewed
  // records back (tried with 4.4.0).
  private void takeWords(long waitMillis) throws InterruptedException {
    Word word = waitMillis > 0 ? words.poll(waitMillis, TimeUnit.MILLISECONDS) : words.poll();
    for (; word != null; word = words.poll()) {
      apply(word);
    }
  }

  private void apply(Word word) {
    if (!running.contains(word.key())) {
      return; // not ours any more, or a later word for a record that already has one
    }
    List<ConsumerRecord<String, byte[]>> copies = wave.remove(word.key());
    if (copies == null) {
      // Renewed and not yet returned by the client: acknowledged when it comes back.
      waitingForReturn.putIfAbsent(word.key(), word.type());
      LOG.debug("{}: {} {} when it comes back", name, word.type(), word.key());
      return;
    }
    acknowledge(word.key(), copies, word.type());
  }

  private void acknowledge(ShareLocks.Key key, List<ConsumerRecord<String, byte[]>> copies, AcknowledgeType type) {
    acknowledgeCopies(key, copies, type);
    running.remove(key);
    renewing.remove(key);
    locks.released(key);
  }

  // Once one record of the wave is due, every record still running in it is renewed, so the wave ends and the next
  // poll carries the RENEWs (and the words that came meanwhile) to the broker.
  private void renewDue() {
    if (locks.due(wave.keySet()).isEmpty()) {
      return;
    }
    long now = clock.monotonicMillis();
    wave.forEach((key, copies) -> {
      acknowledgeCopies(key, copies, AcknowledgeType.RENEW);
      renewing.put(key, now);
    });
    LOG.debug("{}: renewing the locks of {}", name, wave.keySet());
    wave.clear();
  }

  private void pollOnce() throws InterruptedException {
    long askedAt = clock.monotonicMillis();
    ConsumerRecords<String, byte[]> records;
    try {
      records = consumer.poll(pollTimeout);
    } catch (WakeupException e) {
      return;
    } catch (InterruptException e) {
      throw e;
    } catch (IllegalStateException e) {
      // Every record was acknowledged, yet the client says otherwise: seen with kafka-clients 4.4.0 when one poll
      // returned several deliveries of the same records (fetched while renewed records were out). Nothing B does
      // gets this consumer polling again, so a new one joins instead; what the old one held is released by the
      // broker, delivered again and accepted unprocessed, and A re-sends whatever got no reply.
      listener.failed(e);
      replaceConsumer();
      return;
    } catch (KafkaException e) {
      listener.failed(e);
      // A failing poll may return at once: wait one poll timeout, taking words meanwhile.
      takeWords(pollTimeout.toMillis());
      return;
    }
    consumer.acquisitionLockTimeoutMs().filter(ms -> ms > 0).ifPresent(locks::setLockMillis);
    if (records.isEmpty()) {
      return;
    }
    if (LOG.isDebugEnabled()) {
      List<String> polled = new ArrayList<>();
      records.forEach(r -> polled.add(r.partition() + "@" + r.offset() + "#" + r.deliveryCount().orElse((short) 0)));
      LOG.debug("{}: polled {}", name, polled);
    }
    Map<ShareLocks.Key, List<ConsumerRecord<String, byte[]>>> polled = new LinkedHashMap<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      polled.computeIfAbsent(key(record), k -> new ArrayList<>(1)).add(record);
    }
    List<Inbound> fresh = new ArrayList<>(polled.size());
    int redelivered = 0;
    for (Map.Entry<ShareLocks.Key, List<ConsumerRecord<String, byte[]>>> e : polled.entrySet()) {
      ShareLocks.Key key = e.getKey();
      List<ConsumerRecord<String, byte[]>> copies = e.getValue();
      if (running.contains(key)) {
        // A renewed record, returned again: its word may have come meanwhile.
        AcknowledgeType word = waitingForReturn.remove(key);
        if (word != null) {
          acknowledge(key, copies, word);
        } else {
          wave.put(key, copies);
        }
      } else if (copies.size() > 1 || deliveryCount(copies.get(0)) > 1) {
        // Delivered before (its lock lapsed, or a B released it): A's timers are the retry authority, so the
        // broker's redelivery is accepted unprocessed (see the class comment). Several copies in one poll are
        // deliveries the client fetched while B was busy; the older ones' locks have lapsed.
        acknowledgeCopies(key, copies, AcknowledgeType.ACCEPT);
        redelivered++;
      } else {
        locks.acquired(key, askedAt);
        running.add(key);
        wave.put(key, copies);
        fresh.add(Inbound.of(copies.get(0), EPOCH));
      }
    }
    if (redelivered > 0) {
      listener.redelivered(redelivered);
    }
    if (!fresh.isEmpty()) {
      listener.records(fresh);
    }
  }

  // The broker's answer to acknowledgements, on the consumer thread during poll, commit or close.
  private void answered(Map<TopicIdPartition, Set<Long>> offsets, Exception error) {
    offsets.forEach((tip, set) -> {
      TopicPartition tp = tip.topicPartition();
      for (long offset : set) {
        ShareLocks.Key key = new ShareLocks.Key(tp, offset);
        Long sentAt = renewing.remove(key);
        if (sentAt == null) {
          continue;
        }
        if (error == null) {
          locks.renewed(key, sentAt);
        } else {
          locks.lost(key);
        }
      }
    });
    if (error != null) {
      LOG.debug("{}: the broker refused acknowledgements of {}: {}", name, offsets, error.toString());
    }
  }

  private void replaceConsumer() {
    LOG.warn("{}: replacing the share consumer; the records it held go back to the broker", name);
    try {
      consumer.close(Duration.ZERO);
    } catch (RuntimeException e) {
      LOG.debug("{}: closing the old share consumer failed: {}", name, e.toString());
    }
    // Words for these records can no longer reach the broker; the records' locks run out on their own.
    wave.clear();
    running.clear();
    waitingForReturn.clear();
    renewing.clear();
    subscribe();
  }

  private void closeConsumer() {
    if (consumer == null) {
      context.runOnContext(v -> closed.tryComplete());
      return;
    }
    try {
      takeWords(0);
      wave.forEach((key, copies) -> acknowledgeCopies(key, copies, AcknowledgeType.RELEASE));
      consumer.close(closeTimeout);
    } catch (RuntimeException | InterruptedException e) {
      LOG.debug("{}: closing the share consumer failed: {}", name, e.toString());
    } finally {
      context.runOnContext(v -> closed.tryComplete());
    }
  }
}

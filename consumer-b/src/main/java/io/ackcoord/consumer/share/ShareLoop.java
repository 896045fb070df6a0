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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * B works in waves: poll, hand the records over, wait for each one's word ({@link Acknowledgements}), poll again. A
 * record still running when less than {@link ShareLocks#renewBeforeMillis()} of its lock is left is acknowledged
 * {@code RENEW}: the broker keeps it locked for this B and the client returns it in a later poll, where it is
 * recognised as running and waited for again. (A renewed record holds up new fetches until it comes back, KAFKA-20458,
 * so B renews only what is due rather than on every IN_PROGRESS.)
 *
 * <p>A is the one retry authority. A record the broker delivers a second time (delivery count above 1: its lock
 * lapsed on a B that froze or died, or a B released it) is accepted without running the handler; if its first copy
 * was never answered, A re-sends it at its deadline. So the broker's redeliveries never add to A's re-sends.
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

  private final ShareConsumer<String, byte[]> consumer;
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
  /** Records of the last poll still waiting for their word. */
  private final Map<ShareLocks.Key, ConsumerRecord<String, byte[]>> wave = new HashMap<>();
  /** Records handed to B and not yet acknowledged for good (renewed ones included). */
  private final Set<ShareLocks.Key> running = new HashSet<>();
  /** Words for renewed records, kept until the client returns them. */
  private final Map<ShareLocks.Key, AcknowledgeType> waitingForReturn = new HashMap<>();
  /** RENEWs sent and not yet answered, with when they were sent. */
  private final Map<ShareLocks.Key, Long> renewing = new HashMap<>();

  /**
   * @param consumer    subscribed by {@link #start}; owned and closed by this loop
   * @param context     B's context: {@link #close()} completes on it
   * @param pollTimeout longest poll, and how long the loop waits for words before it checks locks again
   */
  public ShareLoop(ShareConsumer<String, byte[]> consumer, Context context, ShareLocks locks, Clock clock,
      Duration pollTimeout, Duration closeTimeout, String name) {
    this.consumer = consumer;
    this.context = context;
    this.locks = locks;
    this.clock = clock;
    this.pollTimeout = pollTimeout;
    this.closeTimeout = closeTimeout;
    this.name = name;
  }

  /** Subscribes to {@code topic} and starts the thread. */
  public void start(String topic, Listener listener) {
    this.listener = listener;
    consumer.subscribe(List.of(topic));
    consumer.setAcknowledgementCommitCallback(this::answered);
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

  private void run() {
    try {
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
    } finally {
      closeConsumer();
    }
  }

  private void takeWords(long waitMillis) throws InterruptedException {
    Word word = waitMillis > 0 ? words.poll(waitMillis, TimeUnit.MILLISECONDS) : words.poll();
    boolean sent = false;
    for (; word != null; word = words.poll()) {
      sent |= apply(word);
    }
    if (sent && !wave.isEmpty()) {
      // Still waiting for others: send these now rather than with the next poll, so their locks end promptly.
      commitAsync();
    }
  }

  private boolean apply(Word word) {
    if (!running.contains(word.key())) {
      return false; // not ours any more, or a later word for a record that already has one
    }
    ConsumerRecord<String, byte[]> record = wave.remove(word.key());
    if (record == null) {
      // Renewed and not yet returned by the client: acknowledged when it comes back.
      waitingForReturn.putIfAbsent(word.key(), word.type());
      return false;
    }
    acknowledge(record, word.type());
    return true;
  }

  private void acknowledge(ConsumerRecord<String, byte[]> record, AcknowledgeType type) {
    ShareLocks.Key key = new ShareLocks.Key(new TopicPartition(record.topic(), record.partition()), record.offset());
    try {
      consumer.acknowledge(record, type);
    } catch (IllegalStateException | KafkaException e) {
      LOG.debug("{}: could not acknowledge {} as {}: {}", name, key, type, e.toString());
    }
    running.remove(key);
    renewing.remove(key);
    locks.released(key);
  }

  private void renewDue() {
    List<ShareLocks.Key> due = locks.due(wave.keySet());
    if (due.isEmpty()) {
      return;
    }
    long now = clock.monotonicMillis();
    for (ShareLocks.Key key : due) {
      ConsumerRecord<String, byte[]> record = wave.remove(key);
      try {
        consumer.acknowledge(record, AcknowledgeType.RENEW);
        renewing.put(key, now);
      } catch (IllegalStateException | KafkaException e) {
        LOG.debug("{}: could not renew {}: {}", name, key, e.toString());
      }
    }
    LOG.debug("{}: renewing the locks of {}", name, due);
    commitAsync();
  }

  private void commitAsync() {
    try {
      consumer.commitAsync();
    } catch (KafkaException e) {
      listener.failed(e);
    }
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
    } catch (KafkaException | IllegalStateException e) {
      listener.failed(e);
      // A failing poll may return at once: wait one poll timeout, taking words meanwhile.
      takeWords(pollTimeout.toMillis());
      return;
    }
    consumer.acquisitionLockTimeoutMs().filter(ms -> ms > 0).ifPresent(locks::setLockMillis);
    if (records.isEmpty()) {
      return;
    }
    List<Inbound> fresh = new ArrayList<>(records.count());
    int redelivered = 0;
    for (ConsumerRecord<String, byte[]> record : records) {
      Inbound in = Inbound.of(record, EPOCH);
      ShareLocks.Key key = key(in);
      if (running.contains(key)) {
        // A renewed record, returned again: its word may have come meanwhile.
        AcknowledgeType word = waitingForReturn.remove(key);
        if (word != null) {
          acknowledge(record, word);
        } else {
          wave.put(key, record);
        }
      } else if (record.deliveryCount().orElse((short) 1) > 1) {
        // A's timers are the retry authority: the broker's redelivery is not processed (see the class comment).
        consumer.acknowledge(record, AcknowledgeType.ACCEPT);
        redelivered++;
      } else {
        locks.acquired(key, askedAt);
        running.add(key);
        wave.put(key, record);
        fresh.add(in);
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

  private void closeConsumer() {
    try {
      takeWords(0);
      wave.values().forEach(record -> acknowledge(record, AcknowledgeType.RELEASE));
      consumer.close(closeTimeout);
    } catch (RuntimeException | InterruptedException e) {
      LOG.debug("{}: closing the share consumer failed: {}", name, e.toString());
    } finally {
      context.runOnContext(v -> closed.tryComplete());
    }
  }
}

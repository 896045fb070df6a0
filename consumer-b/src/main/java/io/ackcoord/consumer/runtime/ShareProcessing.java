package io.ackcoord.consumer.runtime;

import io.ackcoord.consumer.ConsumerOptions;
import io.ackcoord.consumer.DedupeStore;
import io.ackcoord.consumer.MessageHandler;
import io.ackcoord.consumer.OwnershipLostException;
import io.ackcoord.consumer.dedupe.MarkerMacs;
import io.ackcoord.consumer.dedupe.ProcessedTail;
import io.ackcoord.consumer.guarantee.ShareAtLeastOnce;
import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.consumer.pipeline.MessagePipeline;
import io.ackcoord.consumer.loop.PartitionEpochs;
import io.ackcoord.consumer.replies.ReplySender;
import io.ackcoord.consumer.share.LockGuard;
import io.ackcoord.consumer.share.ShareLocks;
import io.ackcoord.consumer.share.ShareLoop;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.kafka.TopicNames;
import io.ackcoord.protocol.SafeText;
import io.ackcoord.time.Clock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code consumer.mode = share}: the parts that take records from a share group to a durable outcome, wired in one
 * constructor: the {@link ShareLoop} (B1, and the broker's locks), the {@link MessagePipeline} (B3–B6) behind the
 * {@link LockGuard}, {@link ShareAtLeastOnce} (B6, and B7 as the record's {@code ACCEPT}), and the
 * {@link ProcessedTail} that shares processed ids between Bs.
 *
 * <p>There is no B2 Gate: before the first poll B restores the processed ids and the handler's state of every
 * partition, since any B may get any record, and from then on follows the ids the other Bs mark.
 */
final class ShareProcessing implements Consumption {

  private static final Logger LOG = LoggerFactory.getLogger(ShareProcessing.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);

  private final Context context;
  private final ConsumerOptions options;
  private final MessageHandler handler;
  private final ConsumerStats stats;
  private final PartitionEpochs epochs;
  private final RunState state;
  private final ReplySender replies;
  private final DedupeStore dedupe;
  private final Set<TopicPartition> partitions = new HashSet<>();
  private final ShareLoop loop;
  private final ProcessedTail tail;
  private final MessagePipeline pipeline;
  private final IdleWait idle;

  /** @param consumers makes the share consumer, on the share loop's thread */
  ShareProcessing(Vertx vertx, Context context, ConsumerOptions options, MessageHandler handler, Clock clock,
      ConsumerStats stats, PartitionEpochs epochs, RunState state, Map<String, Integer> topicPartitions,
      Supplier<ShareConsumer<String, byte[]>> consumers, KafkaSender producer, ReplySender replies, DedupeStore dedupe,
      long lockMillis, Duration closeTimeout) {
    this.context = context;
    this.options = options;
    this.handler = handler;
    this.stats = stats;
    this.epochs = epochs;
    this.state = state;
    this.replies = replies;
    this.dedupe = dedupe;
    TopicNames topics = options.kafka().topics();
    int count = topicPartitions.getOrDefault(topics.messages(), 0);
    for (int p = 0; p < count; p++) {
      partitions.add(new TopicPartition(topics.messages(), p));
    }
    ShareLocks locks = new ShareLocks(clock, lockMillis);
    this.loop = new ShareLoop(consumers, context, locks, clock, POLL_TIMEOUT, closeTimeout,
        "ackcoord-b-share-" + options.instanceId());
    LockGuard guard = new LockGuard(locks, stats);
    ShareAtLeastOnce guarantee = new ShareAtLeastOnce(replies, producer, guard, loop, clock, context, stats);
    this.pipeline = new MessagePipeline(vertx, context, handler, dedupe, guarantee, guard, replies, epochs, clock,
        stats, options.progressAutoExtend(), topicPartitions.getOrDefault(topics.acks(), 0),
        () -> producer.partitionsFor(topics.acks()).map(List::size));
    this.tail = new ProcessedTail(options.kafka(), "ackcoord-b-processed-tail-" + options.instanceId(),
        MarkerMacs.of(options), dedupe, context);
    this.idle = new IdleWait(vertx, stats);
  }

  /** Follows the processed ids, restores every partition's, then joins the share group. */
  @Override
  public Future<Void> start() {
    // Every partition counts as this B's: the epochs then never tell a record's work to stop.
    epochs.assign(partitions);
    long start = System.nanoTime();
    return tail.start(partitions.size())
        .compose(v -> dedupe.restore(partitions))
        .compose(v -> handlerAssigned())
        .map(v -> {
          LOG.info("Share mode: restored {} partitions in {} ms, following {}; joining share group {}",
              partitions.size(), (System.nanoTime() - start) / 1_000_000, options.kafka().topics().processed(),
              options.groupId());
          loop.start(options.kafka().topics().messages(), new Events());
          return null;
        });
  }

  @Override
  public boolean restored() {
    return true; // start() restores every partition before it joins the share group
  }

  @Override
  public Future<Void> quiesce() {
    return idle.await(options.shutdownTimeoutMillis());
  }

  @Override
  public Future<Void> flush() {
    return Future.succeededFuture(); // the acknowledgements go out when the share consumer closes
  }

  @Override
  public Future<Void> close(Closers.Step step) {
    return step.close("share consumer", loop::close)
        .compose(v -> step.close("processed tail", tail::close))
        .compose(v -> {
          replies.close();
          return Future.succeededFuture();
        });
  }

  private Future<Void> handlerAssigned() {
    try {
      return Objects.requireNonNullElseGet(handler.onPartitionsAssigned(Set.copyOf(partitions)),
          Future::succeededFuture);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  // B3 onwards, on B's event loop; a record that ends without a word is released.
  private void records(List<Inbound> records) {
    for (Inbound in : records) {
      if (!state.accepting()) {
        loop.release(in);
        continue;
      }
      stats.received.incrementAndGet();
      stats.inFlight.incrementAndGet();
      pipeline.accept(in).onComplete(ar -> {
        stats.inFlight.decrementAndGet();
        if (ar.failed()) {
          if (OwnershipLostException.isCause(ar.cause())) {
            stats.dropped.incrementAndGet();
            LOG.debug("Record {} dropped: {}", in, SafeText.forLog(ar.cause().getMessage()));
          } else if (!state.stopping()) {
            LOG.warn("Record {} left unfinished ({}); released to the broker, A re-sends it", in,
                SafeText.forLog(ar.cause()));
          }
        }
        loop.release(in); // no effect when the guarantee already accepted or rejected it
        idle.check();
      });
    }
  }

  /** The share loop's events, from its thread to B's event loop. */
  private final class Events implements ShareLoop.Listener {

    @Override
    public void records(List<Inbound> records) {
      context.runOnContext(v -> ShareProcessing.this.records(records));
    }

    @Override
    public void redelivered(int count) {
      stats.redelivered.addAndGet(count);
    }

    @Override
    public void failed(RuntimeException error) {
      if (state.stopping()) {
        LOG.debug("Share consumer error while stopping: {}", error.toString());
      } else {
        LOG.warn("Share consumer error: {}", error.toString());
      }
    }
  }
}

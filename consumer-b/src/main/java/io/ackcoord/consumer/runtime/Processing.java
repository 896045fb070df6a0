package io.ackcoord.consumer.runtime;

import io.ackcoord.consumer.ConsumerOptions;
import io.ackcoord.consumer.DedupeStore;
import io.ackcoord.consumer.MessageHandler;
import io.ackcoord.consumer.dedupe.MarkerMacs;
import io.ackcoord.consumer.guarantee.AtLeastOnce;
import io.ackcoord.consumer.guarantee.ExactlyOnce;
import io.ackcoord.consumer.guarantee.Guarantee;
import io.ackcoord.consumer.kafka.Backoff;
import io.ackcoord.consumer.loop.ConsumerLoop;
import io.ackcoord.consumer.loop.InFlightLimit;
import io.ackcoord.consumer.loop.Inbound;
import io.ackcoord.consumer.loop.Lease;
import io.ackcoord.consumer.loop.LeaseGuard;
import io.ackcoord.consumer.loop.PartitionEpochs;
import io.ackcoord.consumer.offsets.OffsetCommitter;
import io.ackcoord.consumer.offsets.OffsetTracker;
import io.ackcoord.consumer.pipeline.MessagePipeline;
import io.ackcoord.consumer.replies.ReplySender;
import io.ackcoord.consumer.status.ConsumerStats;
import io.ackcoord.consumer.transactions.TransactionBatcher;
import io.ackcoord.consumer.transactions.TransactionRecords;
import io.ackcoord.consumer.transactions.TransactionalProducer;
import io.ackcoord.kafka.KafkaSender;
import io.ackcoord.time.Clock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.UnreleasedInstanceIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts that take records from the group consumer to a durable outcome, wired in one constructor: the
 * {@link ConsumerLoop} (B1), the {@link RecordIntake} and its gate (B2), the {@link MessagePipeline} (B3–B6), the
 * {@link LeaseGuard}, the {@link Guarantee} of the configured mode (B6, B7) and the {@link Rebalance} handling
 * between them. The consumer loop's events arrive here on the consumer thread and are handed to the intake and the
 * rebalance handling.
 */
final class Processing implements Consumption {

  private static final Logger LOG = LoggerFactory.getLogger(Processing.class);

  /** How long one poll waits for records; also bounds how long a commit or a stop waits for a running poll. */
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);

  private final Context context;
  private final ConsumerOptions options;
  private final RunState state;
  private final ReplySender replies;
  private final Consumer<Throwable> standDown;
  private final PartitionEpochs epochs;
  private final ConsumerLoop loop;
  private final LeaseGuard guard;
  private final Guarantee guarantee;
  private final RecordIntake intake;
  private final Rebalance rebalance;

  /**
   * @param consumer  the group consumer, owned by this object's loop from now on
   * @param standDown called on B's event loop when another B runs under this B's name
   */
  Processing(Vertx vertx, Context context, ConsumerOptions options, MessageHandler handler, Clock clock,
      ConsumerStats stats, PartitionEpochs epochs, OffsetTracker offsets, RunState state, InFlightLimit limit,
      Lease lease, Map<String, Integer> topicPartitions,
      KafkaConsumer<String, byte[]> consumer, KafkaSender producer, ReplySender replies,
      TransactionalProducer transactions, DedupeStore dedupe, Duration closeTimeout, Consumer<Throwable> standDown) {
    this.context = context;
    this.options = options;
    this.state = state;
    this.replies = replies;
    this.standDown = standDown;
    this.epochs = epochs;
    this.loop = new ConsumerLoop(consumer, context, epochs, lease, clock, POLL_TIMEOUT, closeTimeout,
        "ackcoord-b-consumer-" + options.instanceId());
    // The guarantee renews the lease (by a commit) and is built with the guard: it is read when first needed.
    this.guard = new LeaseGuard(vertx, clock, epochs, lease, this::renewLease, Backoff.DEFAULT, stats);
    if (options.exactlyOnce()) {
      TransactionBatcher batcher = new TransactionBatcher(vertx, transactions, offsets, epochs, lease,
          loop::groupMetadata, options.transactionMaxRecords(), options.transactionMaxMillis(), Backoff.DEFAULT,
          stats, standDown::accept, new TransactionRecords(options.kafka().topics(), options.instanceId(), clock,
              MarkerMacs.of(options)::mark)::of);
      this.guarantee = new ExactlyOnce(batcher, guard, epochs, options.kafka().topics(), options.instanceId(), clock,
          context, stats);
    } else {
      OffsetCommitter committer = new OffsetCommitter(vertx, offsets, loop::commit, stats, Backoff.DEFAULT);
      this.guarantee = new AtLeastOnce(replies, producer, guard, epochs, offsets, committer, clock, context, stats);
    }
    Supplier<Future<Integer>> countReplyPartitions = () -> producer.partitionsFor(options.kafka().topics().acks())
        .map(List::size);
    MessagePipeline pipeline = new MessagePipeline(vertx, context, handler, dedupe, guarantee, guard, replies, epochs,
        clock, stats, options.progressAutoExtend(), topicPartitions.getOrDefault(options.kafka().topics().acks(), 0),
        countReplyPartitions);
    this.intake = new RecordIntake(vertx, new RecordIntake.Fetch() {
      @Override
      public void taken() {
        loop.taken();
      }

      @Override
      public void pause(boolean pause) {
        loop.pause(pause);
      }
    }, epochs, offsets, stats, limit, state, pipeline::accept);
    this.rebalance = new Rebalance(vertx, context, epochs, offsets, intake, dedupe, handler, guard, guarantee, state,
        options.shutdownTimeoutMillis(), Backoff.DEFAULT);
  }

  /** B1: starts the consumer thread and subscribes to topic 1. */
  @Override
  public Future<Void> start() {
    return loop.start(Set.of(options.kafka().topics().messages()), new Events());
  }

  /**
   * The first half of a stop: fetching stops, records still waiting for a restore are dropped (the next owner
   * reads them), and the rest get up to {@code shutdown.timeout.ms} to finish.
   */
  @Override
  public boolean restored() {
    return epochs.owned().stream().allMatch(intake.gate()::isOpen);
  }

  @Override
  public Future<Void> quiesce() {
    loop.pause(true);
    intake.drained(intake.gate().drain(epochs.owned()));
    return intake.awaitIdle(options.shutdownTimeoutMillis());
  }

  /** Makes what is finished durable: the last commit or transaction. */
  @Override
  public Future<Void> flush() {
    return guarantee.flush();
  }

  /** Closes the consumer first (its last revocation still commits through the guarantee), then the guarantee. */
  @Override
  public Future<Void> close(Closers.Step step) {
    return step.close("consumer", loop::close)
        .compose(v -> {
          replies.close();
          return step.close("processing guarantee", guarantee::close);
        });
  }

  private Future<Void> renewLease() {
    return guarantee.renewLease();
  }

  private void onPollFailed(RuntimeException error) {
    // Classic fences the older B of a name; the consumer protocol refuses the newer one, fatally for its consumer.
    if (error instanceof FencedInstanceIdException || error instanceof UnreleasedInstanceIdException) {
      standDown.accept(error);
    } else if (state.stopping()) {
      LOG.debug("Kafka consumer error while stopping: {}", error.toString());
    } else {
      LOG.warn("Kafka consumer error: {}", error.toString());
    }
  }

  /** The consumer loop's events, from the consumer thread to the intake and the rebalance handling. */
  private final class Events implements ConsumerLoop.Listener {

    @Override
    public void records(List<Inbound> records) {
      context.runOnContext(v -> intake.records(records));
    }

    @Override
    public void assigned(Set<TopicPartition> partitions) {
      rebalance.assigned(partitions);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> revoking(Set<TopicPartition> partitions) {
      return rebalance.revoking(partitions);
    }

    @Override
    public void gone(Set<TopicPartition> partitions, boolean lost) {
      rebalance.gone(partitions, lost);
    }

    @Override
    public void pollFailed(RuntimeException error) {
      context.runOnContext(v -> onPollFailed(error));
    }
  }
}

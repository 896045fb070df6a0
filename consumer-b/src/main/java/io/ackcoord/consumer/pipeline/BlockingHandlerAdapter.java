package io.ackcoord.consumer.pipeline;

import io.ackcoord.consumer.BlockingMessageHandler;
import io.ackcoord.consumer.HandlerSetup;
import io.ackcoord.consumer.IncomingMessage;
import io.ackcoord.consumer.MessageHandler;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link BlockingMessageHandler} as a {@link MessageHandler}: each call goes to a worker thread, unordered so
 * that one slow message does not queue the others behind it.
 */
public final class BlockingHandlerAdapter implements MessageHandler {

  private static final Logger LOG = LoggerFactory.getLogger(BlockingHandlerAdapter.class);

  private final BlockingMessageHandler delegate;
  private Vertx vertx;

  public BlockingHandlerAdapter(BlockingMessageHandler delegate) {
    this.delegate = Objects.requireNonNull(delegate, "handler");
  }

  @Override
  public Future<Void> init(HandlerSetup setup) {
    this.vertx = setup.vertx();
    return vertx.executeBlocking(() -> {
      delegate.init(setup);
      return null;
    }, false);
  }

  @Override
  public Future<Void> handle(IncomingMessage message) {
    Callable<Void> call = () -> {
      delegate.handle(message);
      return null;
    };
    // With tracing on, B's processing span is current here: the worker thread gets it too, so the handler's own
    // spans nest inside it. Off, the context is the root one and nothing is wrapped.
    Context traced = Context.current();
    return vertx.executeBlocking(traced == Context.root() ? call : traced.wrap(call), false);
  }

  @Override
  public Future<Void> onPartitionsAssigned(Set<TopicPartition> partitions) {
    return vertx.executeBlocking(() -> {
      delegate.onPartitionsAssigned(partitions);
      return null;
    }, false);
  }

  @Override
  public void onPartitionsRevoked(Set<TopicPartition> partitions) {
    vertx.executeBlocking(() -> {
      delegate.onPartitionsRevoked(partitions);
      return null;
    }, false).onFailure(err -> LOG.warn("{}.onPartitionsRevoked failed: {}", delegate, err.toString()));
  }

  @Override
  public Future<Void> close() {
    if (vertx == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      delegate.close();
      return null;
    }, false);
  }

  @Override
  public String toString() {
    return delegate.getClass().getName() + " (blocking)";
  }
}

package io.ackcoord.bench;

import io.ackcoord.producer.ProducerVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * ackcoord seen from a caller in A's own JVM: A ({@link ProducerVerticle}) deployed in the benchmark's Vert.x, each
 * message sent to A's event-bus address, and completed by A's reply, which comes when A has B's ACK (or a dead
 * letter). So the latency is send→ACK, measured where A learns it.
 */
final class AckcoordPipeline implements Pipeline {

  private final Vertx vertx;
  private final String name;
  // One address per A: on a shared one the event bus would spread each system's messages over all the As.
  private final String address;
  private final ProducerVerticle verticle = new ProducerVerticle();
  private final Context caller;
  private final DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(600_000);
  private String deployment;

  /**
   * Deploys A and waits until it is connected to Kafka and taking messages.
   *
   * @param config A's configuration (bootstrap, prefix, producer id, ...), as a deployment config
   */
  AckcoordPipeline(Vertx vertx, String name, JsonObject config) {
    this.vertx = vertx;
    this.name = name;
    this.caller = vertx.getOrCreateContext();
    this.address = "ackcoord.producer.send." + name.replaceAll("\\s+", "-");
    deployment = join(vertx.deployVerticle(verticle, new DeploymentOptions()
        .setConfig(config.copy().put("eventbus.address", address))).toCompletionStage(), Duration.ofSeconds(90));
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!verticle.ready()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("A did not connect to Kafka within 90 s");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
    }
  }

  @Override
  public String name() {
    return name;
  }

  /** A's HTTP port (for the HTTP submit phase). */
  int httpPort() {
    return verticle.httpPort();
  }

  @Override
  public CompletionStage<?> submit(String id, byte[] payload) {
    CompletableFuture<Object> acked = new CompletableFuture<>();
    // One context for every request, so replies are not spread over fresh contexts the driver thread would create.
    caller.runOnContext(v -> vertx.eventBus().request(address, payload, new DeliveryOptions(delivery)
            .addHeader("id", id))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            acked.complete(ar.result().body());
          } else {
            acked.completeExceptionally(ar.cause());
          }
        }));
    return acked;
  }

  @Override
  public void close() {
    if (deployment != null) {
      join(vertx.undeploy(deployment).toCompletionStage(), Duration.ofSeconds(60));
      deployment = null;
    }
  }

  static <T> T join(CompletionStage<T> stage, Duration timeout) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}

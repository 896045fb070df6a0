package io.ackcoord.producer.api;

import io.ackcoord.producer.coordinator.Coordinator;
import io.ackcoord.producer.coordinator.Coordinator.RejectedException;
import io.ackcoord.producer.ids.MessageIds;
import io.ackcoord.protocol.SafeText;
import io.ackcoord.producer.tracker.MessageState;
import io.ackcoord.tracing.TraceRoot;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageConsumerOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * In-process submissions over the event bus. Unlike HTTP, the reply comes when the message is final, so a caller
 * can await the whole round trip (set the {@code DeliveryOptions} send timeout long enough to cover the retries).
 *
 * <p>Body: a {@link JsonObject} {@code {"payload": <any JSON>, "id": optional, "timeoutMs": optional}}, or a
 * {@code String}, {@link Buffer} or {@code byte[]} taken as the payload, with optional headers {@code id} and
 * {@code timeoutMs}. Reply: {@code {"id", "state":"ACKED", "attempts", "latencyMs"}}; failure codes:
 * {@value #BAD_REQUEST} bad input, {@value #CONFLICT} id pending, {@value #UNAVAILABLE} not accepted,
 * {@value #DEAD_LETTERED} dead-lettered (message = reason).
 *
 * <p>Requests are taken {@value #PER_TURN} per event-loop turn: the next slice waits behind the tasks already queued
 * on A's event loop (replies from B, the broker's confirmations), so callers that submit faster than A can finish
 * messages cannot starve the ACK path. Taken all at once, a backlog held the loop for seconds, and every ACK waited
 * behind it. At most {@value #MAX_WAITING} requests wait; beyond that the event bus refuses one at once
 * ({@code ReplyFailure.TIMEOUT}, "Discarded the request"), so nothing is accepted that A cannot hold.
 */
public final class EventBusApi {

  static final int BAD_REQUEST = 400;
  static final int CONFLICT = 409;
  static final int DEAD_LETTERED = 410;
  static final int UNAVAILABLE = 503;
  /** Requests handled per event-loop turn. */
  static final int PER_TURN = 512;
  /** Requests waiting for their turn at most. */
  static final int MAX_WAITING = 65_536;

  private final java.util.function.Supplier<Coordinator> coordinator;
  private final java.util.function.Supplier<TimeoutRule> timeouts;
  private int budget;

  /**
   * @param coordinator A's coordinator while connected, else {@code null} (requests then fail with 503)
   * @param timeouts    the bounds on a request's own timeout now (they depend on topic 1, once connected)
   */
  public EventBusApi(java.util.function.Supplier<Coordinator> coordinator,
      java.util.function.Supplier<TimeoutRule> timeouts) {
    this.coordinator = coordinator;
    this.timeouts = timeouts;
  }

  /** Registers on {@code address}; call on A's context, which handles the requests. */
  public Future<MessageConsumer<Object>> register(Vertx vertx, String address) {
    Context context = vertx.getOrCreateContext();
    MessageConsumer<Object> consumer = vertx.eventBus()
        .consumer(new MessageConsumerOptions().setAddress(address).setMaxBufferedMessages(MAX_WAITING));
    consumer.pause();
    consumer.handler(msg -> {
      onMessage(msg);
      if (--budget == 0) {
        context.runOnContext(v -> take(consumer));
      }
    });
    take(consumer);
    return consumer.completion().map(consumer);
  }

  private void take(MessageConsumer<Object> consumer) {
    budget = PER_TURN;
    consumer.fetch(PER_TURN);
  }

  private void onMessage(Message<Object> msg) {
    Object body = msg.body();
    String id = msg.headers().get("id");
    String timeoutRaw = msg.headers().get("timeoutMs");
    byte[] payload;
    String contentType;
    if (body instanceof JsonObject json) {
      if (!json.containsKey("payload")) {
        msg.fail(BAD_REQUEST, "JSON body needs a 'payload' field");
        return;
      }
      payload = Buffer.buffer().appendString(io.vertx.core.json.Json.encode(json.getValue("payload"))).getBytes();
      contentType = "application/json";
      id = json.getString("id", id);
      Object t = json.getValue("timeoutMs");
      timeoutRaw = t == null ? timeoutRaw : t.toString();
    } else if (body instanceof String s) {
      payload = s.getBytes(StandardCharsets.UTF_8);
      contentType = "text/plain; charset=utf-8";
    } else if (body instanceof Buffer b) {
      payload = b.getBytes();
      contentType = "application/octet-stream";
    } else if (body instanceof byte[] bytes) {
      payload = bytes;
      contentType = "application/octet-stream";
    } else {
      msg.fail(BAD_REQUEST, "unsupported body type " + (body == null ? "null" : body.getClass().getName()));
      return;
    }
    if (id == null) {
      id = UUID.randomUUID().toString();
    } else if (!MessageIds.isValid(id)) {
      msg.fail(BAD_REQUEST, "invalid message id '" + SafeText.clean(id, 210) + "': must be " + MessageIds.RULE);
      return;
    }
    long timeout;
    try {
      timeout = timeouts.get().parse(timeoutRaw);
    } catch (IllegalArgumentException e) {
      msg.fail(BAD_REQUEST, e.getMessage());
      return;
    }
    String messageId = id;
    Coordinator c = coordinator.get();
    if (c == null) {
      msg.fail(UNAVAILABLE, "not connected to Kafka yet");
      return;
    }
    c.submit(messageId, payload, contentType, timeout, msg.headers().get(TraceRoot.HEADER))
        .compose(m -> c.completion(messageId))
        .onSuccess(m -> {
          if (m.state() == MessageState.ACKED) {
            msg.reply(new JsonObject().put("id", m.id()).put("state", m.state().name())
                .put("attempts", m.attempt()).put("latencyMs", m.latencyMillis()));
          } else {
            msg.fail(DEAD_LETTERED, m.reason());
          }
        })
        .onFailure(err -> msg.fail(err instanceof RejectedException r && r.conflict() ? CONFLICT : UNAVAILABLE,
            err.getMessage()));
  }
}

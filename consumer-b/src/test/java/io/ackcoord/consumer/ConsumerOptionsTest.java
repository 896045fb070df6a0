package io.ackcoord.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ackcoord.config.ConfigException;
import io.ackcoord.consumer.dedupe.ProcessedIds;
import io.ackcoord.consumer.handler.ResultTopicHandler;
import io.ackcoord.consumer.pipeline.BlockingHandlerAdapter;
import io.ackcoord.consumer.pipeline.HandlerLoader;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConsumerOptionsTest {

  @Test
  @DisplayName("defaults: group, handler, limits, HTTP on 8081, instance id hostname-pid")
  void defaults() {
    ConsumerOptions o = ConsumerOptions.parse(new JsonObject());

    assertThat(o.groupId()).isEqualTo("ackcoord-consumer-b");
    assertThat(o.handlerClass()).isEqualTo(ResultTopicHandler.class.getName());
    assertThat(o.handlerWorkMillis()).isZero();
    assertThat(o.handlerConfig()).isEqualTo(new JsonObject());
    assertThat(o.maxInFlight()).isEqualTo(4000);
    assertThat(o.dedupeCapacity()).isEqualTo(1_000_000);
    assertThat(o.progressAutoExtend()).isFalse();
    assertThat(o.shutdownTimeoutMillis()).isEqualTo(10_000);
    assertThat(o.http().port()).isEqualTo(8081);
    assertThat(o.instanceId()).endsWith("-" + ProcessHandle.current().pid());
    assertThat(o.kafka().topics().messages()).isEqualTo("ackcoord.messages");
  }

  @Test
  @DisplayName("at-least-once by default; exactly-once with its batch settings when asked")
  void processingGuarantee() {
    ConsumerOptions defaults = ConsumerOptions.parse(new JsonObject());
    ConsumerOptions eos = ConsumerOptions.parse(new JsonObject()
        .put("processing.guarantee", "exactly-once")
        .put("transaction.max.records", "50")
        .put("transaction.max.ms", 20));

    assertThat(defaults.guarantee()).isEqualTo(ProcessingGuarantee.AT_LEAST_ONCE);
    assertThat(defaults.exactlyOnce()).isFalse();
    assertThat(defaults.transactionMaxRecords()).isEqualTo(200);
    assertThat(defaults.transactionMaxMillis()).isEqualTo(10);
    assertThat(eos.guarantee()).isEqualTo(ProcessingGuarantee.EXACTLY_ONCE);
    assertThat(eos.transactionMaxRecords()).isEqualTo(50);
    assertThat(eos.transactionMaxMillis()).isEqualTo(20);
  }

  @Test
  @DisplayName("consumer.mode: group by default, share when asked; share with exactly-once is refused naming the key")
  void consumerMode() {
    assertThat(ConsumerOptions.parse(new JsonObject()).mode()).isEqualTo(ConsumerMode.GROUP);
    ConsumerOptions share = ConsumerOptions.parse(new JsonObject().put("consumer.mode", "share"));
    assertThat(share.shareMode()).isTrue();
    assertThat(share.guarantee()).isEqualTo(ProcessingGuarantee.AT_LEAST_ONCE);
    assertThatThrownBy(() -> ConsumerOptions.parse(new JsonObject().put("consumer.mode", "share")
        .put("processing.guarantee", "exactly-once")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("consumer.mode")
        .hasMessageContaining("exactly-once");
    assertThatThrownBy(() -> ConsumerOptions.parse(new JsonObject().put("consumer.mode", "queue")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("consumer.mode")
        .hasMessageContaining("queue")
        .hasMessageContaining("[group, share]");
  }

  @Test
  @DisplayName("an unknown processing.guarantee is refused with the key, the value and the choices")
  void badGuarantee() {
    assertThatThrownBy(() -> ConsumerOptions.parse(new JsonObject().put("processing.guarantee", "exactly_once")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("processing.guarantee")
        .hasMessageContaining("exactly_once")
        .hasMessageContaining("[at-least-once, exactly-once]");
    assertThatThrownBy(() -> ConsumerOptions.parse(new JsonObject().put("transaction.max.ms", 0)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("transaction.max.ms");
  }

  @Test
  @DisplayName("group.protocol: the default, consumer when asked, and GROUP_PROTOCOL from the environment")
  void groupProtocol() {
    ConsumerOptions fromEnv = ConsumerOptions.from(ConsumerOptions.definition().parse(
        ConsumerOptions.definition().applyEnvironment(new JsonObject().put("GROUP_PROTOCOL", "consumer"))));

    assertThat(ConsumerOptions.parse(new JsonObject()).groupProtocol())
        .isEqualTo(ConsumerOptions.DEFAULT_GROUP_PROTOCOL);
    assertThat(ConsumerOptions.parse(new JsonObject().put("group.protocol", "classic")).groupProtocol())
        .isEqualTo(GroupProtocol.CLASSIC);
    assertThat(fromEnv.groupProtocol()).isEqualTo(GroupProtocol.CONSUMER);
  }

  @Test
  @DisplayName("an unknown group.protocol is refused with the key, the value and the choices")
  void badGroupProtocol() {
    assertThatThrownBy(() -> ConsumerOptions.parse(new JsonObject().put("group.protocol", "CONSUMER ")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("group.protocol")
        .hasMessageContaining("CONSUMER ")
        .hasMessageContaining("[classic, consumer]");
    assertThatThrownBy(() -> ConsumerOptions.parse(new JsonObject().put("group.protocol", "share")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("group.protocol")
        .hasMessageContaining("share");
  }

  @Test
  @DisplayName("values given as strings (environment variables) are read with their types")
  void stringValues() {
    ConsumerOptions o = ConsumerOptions.parse(new JsonObject()
        .put("processing.max.in.flight", "7")
        .put("progress.auto.extend", "true")
        .put("handler.config", "{\"rate\":3}")
        .put("consumer.instance.id", "b-7")
        .put("handler.class", RecordingHandler.class.getName()));

    assertThat(o.maxInFlight()).isEqualTo(7);
    assertThat(o.progressAutoExtend()).isTrue();
    assertThat(o.handlerConfig().getInteger("rate")).isEqualTo(3);
    assertThat(o.instanceId()).isEqualTo("b-7");
    assertThat(o.handlerClass()).isEqualTo(RecordingHandler.class.getName());
  }

  @Test
  @DisplayName("a blocking handler class is accepted")
  void blockingHandlerClass() {
    ConsumerOptions o = ConsumerOptions.parse(new JsonObject().put("handler.class", SleepyHandler.class.getName()));

    assertThat(o.handlerClass()).isEqualTo(SleepyHandler.class.getName());
    assertThat(HandlerLoader.load(o.handlerClass())).isInstanceOf(BlockingHandlerAdapter.class);
  }

  @Test
  @DisplayName("handler.class naming the default handler's class before it moved to consumer.handler still loads it")
  void formerDefaultHandlerName() {
    ConsumerOptions o = ConsumerOptions.parse(new JsonObject()
        .put("handler.class", "io.ackcoord.consumer.ResultTopicHandler"));

    assertThat(HandlerLoader.load(o.handlerClass())).isInstanceOf(ResultTopicHandler.class);
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("consumer.group.id", ""),
        Arguments.of("consumer.instance.id", "b 1"),
        Arguments.of("handler.class", "com.example.NoSuchHandler"),
        Arguments.of("handler.class", "java.lang.String"),
        Arguments.of("handler.class", AbstractHandler.class.getName()),
        Arguments.of("handler.work.ms", -1),
        Arguments.of("handler.config", 5),
        Arguments.of("processing.max.in.flight", 0),
        Arguments.of("processing.max.in.flight", 100_001),
        Arguments.of("dedupe.capacity", 0),
        Arguments.of("dedupe.capacity", ProcessedIds.MAX_CAPACITY + 1),
        Arguments.of("progress.auto.extend", "maybe"),
        Arguments.of("shutdown.timeout.ms", -5),
        Arguments.of("http.port", 70_000),
        Arguments.of("kafka.bootstrap.servers", "no-port"));
  }

  @ParameterizedTest(name = "{0} = {1} is refused, naming key and value")
  @MethodSource("badValues")
  void badValue(String key, Object value) {
    JsonObject raw = new JsonObject().put(key, value);

    assertThatThrownBy(() -> ConsumerOptions.parse(raw))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        // An object-valued key may hold credentials: its error names the key, never the value.
        .hasMessageContaining(key.equals("handler.config") ? "not shown" : String.valueOf(value))
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
  }

  @Test
  @DisplayName("a misspelt key is refused with a suggestion")
  void typo() {
    assertThatThrownBy(() -> ConsumerOptions.parse(new JsonObject().put("processing.max.inflight", 5)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("processing.max.inflight")
        .hasMessageContaining("did you mean 'processing.max.in.flight'");
  }

  @Test
  @DisplayName("every key of B is documented")
  void documented() {
    assertThat(ConsumerOptions.definition().keys()).allSatisfy(k -> assertThat(k.doc()).isNotBlank());
    assertThat(ConsumerOptions.definition().markdownTable()).contains("`processing.max.in.flight`");
  }

  /** A handler class that config validation must refuse: it cannot be instantiated. */
  public abstract static class AbstractHandler implements MessageHandler {
  }

  /** A valid non-blocking handler class. */
  public static class RecordingHandler implements MessageHandler {
    @Override
    public Future<Void> handle(IncomingMessage message) {
      return Future.succeededFuture();
    }
  }

  /** A valid blocking handler class. */
  public static class SleepyHandler implements BlockingMessageHandler {
    @Override
    public void handle(IncomingMessage message) {
    }
  }
}

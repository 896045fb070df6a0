package io.ackcoord.testkit;

import io.ackcoord.kafka.TopicNames;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.InvalidRecordException;
import io.ackcoord.protocol.PoisonRecord;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code bin/inspect}: prints the envelopes on topic 1 (or the dead-letter or poison topic) as JSON lines, one per
 * record, decoded from either envelope version, so an operator reads a message's id and attempt without decoding
 * the compact header by hand. Exit code 0, or 2 for bad arguments.
 *
 * <pre>bin/inspect [--bootstrap host:port] [--prefix ackcoord.] [--topic messages|dead-letters|poison] [--id ID]</pre>
 *
 * <p>A command-line tool: the records on stdout and usage errors on stderr are its interface, not logging.
 */
public final class Inspect {

  private static final String USAGE = """
      usage: bin/inspect [--bootstrap host:port] [--prefix topic-prefix] [--topic messages|dead-letters|poison] \
      [--id message-id]
        one JSON line per record; defaults from KAFKA_BOOTSTRAP_SERVERS, TOPIC_PREFIX, else 127.0.0.1:9092, \
      ackcoord.""";

  private Inspect() {
  }

  public static void main(String[] args) {
    ToolArgs a = ToolArgs.parse(args, USAGE, Set.of("--bootstrap", "--prefix", "--topic", "--id"));
    String bootstrap = a.get("--bootstrap", "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
    TopicNames topics = new TopicNames(a.get("--prefix", "TOPIC_PREFIX", "ackcoord."));
    String id = a.get("--id", null, null);
    String topic = a.get("--topic", null, "messages");
    String name = switch (topic) {
      case "messages" -> topics.messages();
      case "dead-letters" -> topics.deadLetters();
      case "poison" -> topics.poison();
      default -> {
        ToolArgs.fail("--topic must be messages, dead-letters or poison, was " + topic, USAGE);
        yield null;
      }
    };
    for (ConsumerRecord<String, byte[]> r : KafkaTestClients.readAll(bootstrap, name, IsolationLevel.READ_COMMITTED,
        Duration.ofSeconds(60), new StringDeserializer(), new ByteArrayDeserializer())) {
      if (id == null || id.equals(r.key())) {
        System.out.println(describe(r).encode());
      }
    }
  }

  /** One record as JSON: where it is, the envelope's fields (or why it is not one) and ackcoord's extra headers. */
  static JsonObject describe(ConsumerRecord<String, byte[]> r) {
    JsonObject out = new JsonObject().put("partition", r.partition()).put("offset", r.offset()).put("key", r.key());
    try {
      Envelope e = EnvelopeCodec.fromRecord(r);
      out.put("version", Integer.valueOf(EnvelopeCodec.optional(r.headers(), EnvelopeCodec.VERSION)))
          .put("id", e.id())
          .put("attempt", e.attempt())
          .put("producer", e.producerId())
          .put("createdAt", Instant.ofEpochMilli(e.createdAtMillis()).toString())
          .put("sentAt", Instant.ofEpochMilli(e.sentAtMillis()).toString())
          .put("replyPartition", e.replyPartition())
          .put("timeoutMs", e.timeoutMillis())
          .put("contentType", e.contentType())
          .put("payloadBytes", e.payload().length);
    } catch (InvalidRecordException ex) {
      out.put("invalid", ex.getMessage());
    }
    for (String header : new String[] {"ackcoord-dead-letter-reason", PoisonRecord.ERROR, PoisonRecord.SOURCE}) {
      String value = EnvelopeCodec.optional(r.headers(), header);
      if (value != null) {
        out.put(header.substring("ackcoord-".length()), value);
      }
    }
    return out;
  }
}

package io.ackcoord.producer.coordinator;

import com.sun.net.httpserver.HttpServer;
import io.ackcoord.kafka.TopicNames;
import io.ackcoord.producer.api.HttpApi;
import io.ackcoord.producer.ledger.Position;
import io.ackcoord.producer.ledger.WireFormat;
import io.ackcoord.producer.status.AckMetrics;
import io.ackcoord.producer.status.LatencyStats;
import io.ackcoord.producer.status.RateWindow;
import io.ackcoord.producer.status.RecentEvents;
import io.ackcoord.producer.timer.RetryPolicy;
import io.ackcoord.producer.timer.Scheduler;
import io.ackcoord.producer.tracing.MessageTracing;
import io.ackcoord.producer.tracing.SpanTracing;
import io.ackcoord.producer.tracker.MessageTracker;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.Reply;
import io.ackcoord.protocol.ReplyCodec;
import io.ackcoord.time.Clock;
import io.ackcoord.tracing.Tracing;
import io.ackcoord.tracing.TracingSettings;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Measures A's own work per message on the submit → ACK path, without a broker: what {@link HttpApi} does with a
 * JSON body (validation, payload copy), {@link Coordinator#submit} with the topic-1 record built and
 * serialized as the Kafka producer does it ({@link WireFormat}), the
 * ACK decoded as {@code ReplyListener} does, and {@link Coordinator#onReply}, with the status page's
 * listeners attached. Prints CPU time and bytes allocated per message on this thread: figures that a loaded machine
 * changes far less than wall-clock throughput (issue 5). Not a test; development.md has the command.
 *
 * <p>With {@code traced} as second argument, A traces every message ({@link SpanTracing}, the OpenTelemetry SDK as
 * A configures it, exporting OTLP/HTTP to a sink on loopback that answers 200), and it also prints the CPU of the
 * whole process per message, the SDK's batching and exporting threads included.
 */
public final class SubmitCost {

  private SubmitCost() {
  }

  @SuppressWarnings("unchecked")
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    boolean traced = args.length > 1 && args[1].equals("traced");
    HttpServer sink = traced ? sink() : null;
    Tracing tracing = Tracing.OFF;
    try {
      if (traced) {
        tracing = Tracing.open(new TracingSettings("http://127.0.0.1:" + sink.getAddress().getPort(), ""),
            "ackcoord-a", Map.of());
      }
      for (int round = 0; round < 3; round++) {
        run(n, round == 2, tracing);
      }
    } finally {
      if (tracing.enabled()) {
        ((OpenTelemetrySdk) tracing.openTelemetry()).close();
      }
      if (sink != null) {
        sink.stop(0);
      }
    }
  }

  // A collector that takes every export and keeps nothing.
  private static HttpServer sink() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", exchange -> {
        exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
      });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static void run(int n, boolean print, Tracing tracing) {
    Clock clock = Clock.SYSTEM;
    TopicNames topics = new TopicNames("ackcoord.");
    MessageTracker tracker = new MessageTracker(clock, new RetryPolicy(30_000, 5, 2.0, 300_000, 0.1, 1000, 900_000),
        () -> 0.5, 100_000);
    tracker.addListener(new RateWindow(clock, 300));
    tracker.addListener(new RecentEvents(clock, 200));
    tracker.addListener(new AckMetrics(tracker, "cost", () -> 0));
    LatencyStats latency = new LatencyStats();
    EncodingOutbound outbound = new EncodingOutbound(topics);
    Coordinator coordinator = new Coordinator(tracker, outbound, new io.ackcoord.producer.ledger.WriteBarrier(),
        new NoScheduler(), clock, "cost", 0, 500, Integer.MAX_VALUE,
        tracing.enabled() ? new SpanTracing(tracing, topics, "cost") : MessageTracing.NONE);
    coordinator.onReplyResult(r -> latency.record(r.message().latencyMillis()));
    coordinator.start(List.of());
    coordinator.open();
    // Inputs made up front: the ids and bodies are not A's work.
    String[] ids = new String[n];
    Buffer[] bodies = new Buffer[n];
    for (int i = 0; i < n; i++) {
      ids[i] = UUID.randomUUID().toString();
      bodies[i] = Buffer.buffer("{\"order\":" + i + ",\"item\":\"widget\",\"qty\":3,\"note\":\"0123456789abcdef\"}");
    }
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long cpu = 0;
    long alloc = 0;
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long processCpu0 = os.getProcessCpuTime();
    // In chunks: B's ACK records carry the receipt of the attempt A sent, so they can only be encoded (B's work, not
    // measured) after A sent it.
    int chunk = 1000;
    for (int from = 0; from < n; from += chunk) {
      int to = Math.min(n, from + chunk);
      long cpu0 = threads.getCurrentThreadCpuTime();
      long alloc0 = threads.getThreadAllocatedBytes(tid);
      for (int i = from; i < to; i++) {
        byte[] payload = bodies[i].getBytes();
        HttpApi.checkJson(payload);
        coordinator.submit(ids[i], payload, "application/json", 0);
      }
      cpu += threads.getCurrentThreadCpuTime() - cpu0;
      alloc += threads.getThreadAllocatedBytes(tid) - alloc0;
      List<ConsumerRecord<String, byte[]>> acks = new ArrayList<>(to - from);
      for (Envelope sent : outbound.drain()) {
        acks.add(new ConsumerRecord<>(topics.acks(), 0, 0, sent.id(),
            ReplyCodec.encode(Reply.ack(sent, "b1", clock.wallMillis()))));
      }
      cpu0 = threads.getCurrentThreadCpuTime();
      alloc0 = threads.getThreadAllocatedBytes(tid);
      for (ConsumerRecord<String, byte[]> ack : acks) {
        try {
          coordinator.onReply(ReplyCodec.fromRecord(ack));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
      cpu += threads.getCurrentThreadCpuTime() - cpu0;
      alloc += threads.getThreadAllocatedBytes(tid) - alloc0;
    }
    if (tracing.enabled()) {
      ((OpenTelemetrySdk) tracing.openTelemetry()).getSdkTracerProvider().forceFlush().join(30, TimeUnit.SECONDS);
    }
    long processCpu = os.getProcessCpuTime() - processCpu0;
    if (print) {
      System.out.printf("%,d messages%s: %.2f us CPU and %,d bytes allocated per message on this thread, %.2f us CPU "
          + "per message in the process (acked %d)%n", n, tracing.enabled() ? ", traced" : "", cpu / 1000.0 / n,
          alloc / n, processCpu / 1000.0 / n, tracker.stats().acked());
    }
  }

  private static final class EncodingOutbound implements Coordinator.Outbound {
    private final TopicNames topics;
    long records;
    private List<Envelope> sent = new ArrayList<>();

    EncodingOutbound(TopicNames topics) {
      this.topics = topics;
    }

    @Override
    public Future<Position> send(Envelope envelope) {
      records += WireFormat.serialize(EnvelopeCodec.toRecord(topics.messages(), envelope));
      sent.add(envelope);
      return Future.succeededFuture(new Position(0, records));
    }

    @Override
    public Future<byte[]> payload(String id, Position at) {
      return Future.succeededFuture(new byte[0]);
    }

    /** The envelopes sent since the last call. */
    List<Envelope> drain() {
      List<Envelope> out = sent;
      sent = new ArrayList<>();
      return out;
    }

    @Override
    public Future<Void> deadLetter(Envelope envelope, String reason) {
      return Future.succeededFuture();
    }
  }


  private static final class NoScheduler implements Scheduler {
    @Override
    public long schedule(long delayMillis, Runnable task) {
      return 1;
    }

    @Override
    public void cancel(long timerId) {
    }
  }
}

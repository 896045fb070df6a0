package io.ackcoord.producer.ledger;

import io.ackcoord.kafka.TopicNames;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.protocol.EnvelopeCodec;
import io.ackcoord.protocol.InvalidRecordException;
import java.lang.management.ManagementFactory;
import java.util.UUID;

/**
 * Measures what the envelope and the ledger entry cost on the wire, without a broker: bytes per record, and CPU and
 * bytes allocated per message for A's side (topic-1 record and ledger entry built and serialized as the producer
 * does, plus the tombstone) and for B's side (the topic-1 record parsed as the consumer does, then
 * {@link EnvelopeCodec#fromRecord}). Figures, not pass/fail; README's Development section has the command.
 */
public final class EnvelopeCost {

  private EnvelopeCost() {
  }

  public static void main(String[] args) throws InvalidRecordException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int payloadBytes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    TopicNames topics = new TopicNames("ackcoord.");
    Envelope[] envelopes = new Envelope[n];
    long now = System.currentTimeMillis();
    for (int i = 0; i < n; i++) {
      envelopes[i] = new Envelope(UUID.randomUUID().toString(), "producer-a", 1, now + i, now + i + 3, 1, 10_000,
          "application/json", new byte[payloadBytes]);
    }
    System.out.printf("topic-1 record %d bytes, ledger entry %d bytes, tombstone %d bytes (payload %d, id %d)%n",
        WireFormat.serialize(EnvelopeCodec.toRecord(topics.messages(), envelopes[0])),
        WireFormat.serialize(LedgerCodec.toRecord(topics.ledger(), 0, entry(envelopes[0]))),
        WireFormat.serialize(LedgerCodec.tombstone(topics.ledger(), 0, LedgerCodec.key("producer-a", envelopes[0].id()))),
        payloadBytes, envelopes[0].id().length());
    byte[][] wire = new byte[n][];
    for (int i = 0; i < n; i++) {
      wire[i] = WireFormat.bytes(EnvelopeCodec.toRecord(topics.messages(), envelopes[i]));
    }
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    for (int round = 0; round < 3; round++) {
      long cpu0 = threads.getCurrentThreadCpuTime();
      long alloc0 = threads.getThreadAllocatedBytes(tid);
      long bytes = 0;
      for (Envelope e : envelopes) {
        bytes += WireFormat.serialize(EnvelopeCodec.toRecord(topics.messages(), e));
        bytes += WireFormat.serialize(LedgerCodec.toRecord(topics.ledger(), 0, entry(e)));
        bytes += WireFormat.serialize(LedgerCodec.tombstone(topics.ledger(), 0, LedgerCodec.key(e.producerId(), e.id())));
      }
      long cpuA = threads.getCurrentThreadCpuTime() - cpu0;
      long allocA = threads.getThreadAllocatedBytes(tid) - alloc0;
      cpu0 = threads.getCurrentThreadCpuTime();
      alloc0 = threads.getThreadAllocatedBytes(tid);
      long attempts = 0;
      for (byte[] w : wire) {
        attempts += EnvelopeCodec.fromRecord(WireFormat.read(topics.messages(), w)).attempt();
      }
      long cpuB = threads.getCurrentThreadCpuTime() - cpu0;
      long allocB = threads.getThreadAllocatedBytes(tid) - alloc0;
      if (round == 2) {
        System.out.printf("A, encode + serialize (record, ledger entry, tombstone): %.2f us CPU, %,d bytes allocated,"
            + " %d bytes written per message%n", cpuA / 1000.0 / n, allocA / n, bytes / n);
        System.out.printf("B, parse + decode the topic-1 record: %.2f us CPU, %,d bytes allocated per message (%d)%n",
            cpuB / 1000.0 / n, allocB / n, attempts / n);
      }
    }
  }

  private static LedgerEntry entry(Envelope e) {
    return new LedgerEntry(e.id(), e.producerId(), e.attempt(), e.createdAtMillis(), e.sentAtMillis(),
        e.timeoutMillis(), e.sentAtMillis() + e.timeoutMillis(), e.contentType(), e.payload());
  }
}

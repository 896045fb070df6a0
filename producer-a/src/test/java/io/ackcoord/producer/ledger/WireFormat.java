package io.ackcoord.producer.ledger;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.DefaultRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;

/**
 * What the Kafka clients do with one record on the way to and from the broker, for the measuring mains: the
 * producer's per-record work (key serializer, size estimate, {@link DefaultRecord#writeTo} into the batch) and the
 * consumer's ({@link DefaultRecord#readFrom}). Batching, compression and the network are left out: they cost the
 * same whatever the headers are.
 */
public final class WireFormat {

  private static final StringSerializer KEYS = new StringSerializer();
  // One reused batch buffer per thread, as the producer appends to an open batch.
  private static final ThreadLocal<ByteBufferOutputStream> BATCH =
      ThreadLocal.withInitial(() -> new ByteBufferOutputStream(1 << 16));

  private WireFormat() {
  }

  /** Serializes {@code record} as the producer appends it to a batch; returns its size in bytes. */
  public static int serialize(ProducerRecord<String, byte[]> record) {
    ByteBufferOutputStream batch = BATCH.get();
    batch.position(0);
    byte[] key = KEYS.serialize(record.topic(), record.headers(), record.key());
    Header[] headers = record.headers().toArray();
    ByteBuffer keyBuffer = key == null ? null : ByteBuffer.wrap(key);
    ByteBuffer valueBuffer = record.value() == null ? null : ByteBuffer.wrap(record.value());
    // The producer sizes the record (does it fit the batch?) before it writes it.
    if (DefaultRecord.sizeInBytes(0, 0L, keyBuffer, valueBuffer, headers) > batch.remaining()) {
      throw new IllegalStateException("record larger than the batch buffer");
    }
    try {
      return DefaultRecord.writeTo(new DataOutputStream(batch), 0, 0L, keyBuffer, valueBuffer, headers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bytes {@link #serialize} writes for {@code record}. */
  static byte[] bytes(ProducerRecord<String, byte[]> record) {
    int size = serialize(record);
    byte[] out = new byte[size];
    BATCH.get().buffer().duplicate().flip().get(out);
    return out;
  }

  /** Parses {@link #bytes} as the consumer does and builds the record it hands to the application. */
  static ConsumerRecord<String, byte[]> read(String topic, byte[] bytes) {
    DefaultRecord read = DefaultRecord.readFrom(ByteBuffer.wrap(bytes), 0L, 0L, 0, null);
    String key = null;
    if (read.hasKey()) {
      byte[] k = new byte[read.keySize()];
      read.key().get(k);
      key = new String(k, java.nio.charset.StandardCharsets.UTF_8);
    }
    byte[] value = null;
    if (read.hasValue()) {
      value = new byte[read.valueSize()];
      read.value().get(value);
    }
    return new ConsumerRecord<>(topic, 0, 0L, 0L, TimestampType.CREATE_TIME, 0, 0, key, value,
        new org.apache.kafka.common.header.internals.RecordHeaders(read.headers()), Optional.empty());
  }
}

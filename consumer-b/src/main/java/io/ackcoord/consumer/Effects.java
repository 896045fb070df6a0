package io.ackcoord.consumer;

import io.vertx.core.Future;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * How a handler writes the effects of one message, so that B can make them as durable as
 * {@code processing.guarantee} promises. Get it from {@link IncomingMessage#effects()}; call it from B's event loop
 * or any thread.
 *
 * <ul>
 *   <li><b>at-least-once</b>: {@link #send} writes the record now, through B's idempotent producer, after checking
 *       that this B still owns the message's partition and holds its lease (see {@link #permit}); it completes when
 *       the broker confirmed the record. If B dies before the message's marker is written, the message is handled
 *       again: key the record by {@link IncomingMessage#id()} and skip ids you already wrote (the default handler
 *       restores them at assignment). The record's timestamp is set to the moment of that check: give the topic
 *       {@code message.timestamp.before.max.ms} (B's results topic has it) and the broker refuses a record of a B
 *       that was paused past its lease after the check, so it cannot land after the new owner's; B then checks ownership again and, while
 *       it still owns the partition, writes the record again.</li>
 *   <li><b>exactly-once</b>: {@link #send} stages the record; it is written in the Kafka transaction that also
 *       writes the marker, the ACK and the offset, and only if the handler succeeds. It completes at once. If the
 *       transaction aborts, none of it is visible to {@code read_committed} readers and the message is handled
 *       again.</li>
 * </ul>
 */
public interface Effects {

  /**
   * Writes (at-least-once) or stages (exactly-once) one record of this message's effect.
   *
   * @return fails with {@link OwnershipLostException} when this B lost the message's partition: the record was not
   *     written and another B processes the message; let the failure propagate
   */
  Future<Void> send(ProducerRecord<String, byte[]> record);

  /**
   * Completes when this B may start an effect of its own for this message now (a database write, a call to another
   * service): it still owns the message's partition and its lease is fresh, renewed if needed by an offset commit.
   * Call it right before such an effect when the handler has waited since it started.
   *
   * @return fails with {@link OwnershipLostException} when the partition moved to another B, or with a retryable
   *     failure when the lease could not be renewed in time
   */
  Future<Void> permit();
}

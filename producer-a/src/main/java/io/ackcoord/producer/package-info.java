/**
 * Producer A, the public API: {@link io.ackcoord.producer.ProducerVerticle} and its options
 * ({@link io.ackcoord.producer.ProducerOptions}, {@link io.ackcoord.producer.StatusPageOptions}), with the one
 * value type the options carry from the timer package ({@code timer.RetryPolicy}).
 *
 * <p>The subpackages are internal (like vertx-kafka-client's {@code impl}): public only so the runtime can wire
 * them, with no compatibility promise. Each has one concern:
 * <ul>
 *   <li>{@code tracker}: the pure registry of pending and finished messages, their states and deadlines;</li>
 *   <li>{@code timer}: when a reply is due and when the one Vert.x timer fires (retry policy, scheduler);</li>
 *   <li>{@code coordinator}: the protocol, steps A1 to A7, carried out on the tracker's decisions;</li>
 *   <li>{@code ledger}: what survives a restart of A (the compacted ledger topic);</li>
 *   <li>{@code kafka}: topic 1 out, topic 2 in;</li>
 *   <li>{@code api}: the doors messages come in by (HTTP and the event bus);</li>
 *   <li>{@code status}: what A shows about itself (page, SSE, metrics, B's reports);</li>
 *   <li>{@code ids}: the message-id rule and the compact id-keyed table shared by the tracker and the ledger.</li>
 * </ul>
 */
package io.ackcoord.producer;

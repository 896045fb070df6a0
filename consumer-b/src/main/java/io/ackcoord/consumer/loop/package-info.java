/**
 * B1 Poll and B2 Gate, and who owns what: the one thread that owns the group consumer (ConsumerLoop), the records it
 * hands over (Inbound), the partition epochs set in its rebalance callbacks, the lease its commits renew and the
 * guard that permits work, the gate that holds records until their partition is restored, and backpressure.
 */
package io.ackcoord.consumer.loop;

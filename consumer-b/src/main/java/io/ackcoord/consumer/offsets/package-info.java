/** At-least-once B7 Commit: which offsets are in flight per partition, and committing up to the lowest one. */
package io.ackcoord.consumer.offsets;

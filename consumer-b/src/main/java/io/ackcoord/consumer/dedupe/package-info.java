/**
 * B4 Dedupe: the ids B processed, kept as fingerprints in primitive arrays and restored per partition (B2) from
 * {@code <prefix>processed}.
 */
package io.ackcoord.consumer.dedupe;

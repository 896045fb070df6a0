/**
 * B4 Dedupe: the ids B processed, kept as fingerprints in primitive arrays, restored per partition from
 * {@code <prefix>processed}, and the keys of the marker records.
 */
package io.ackcoord.consumer.dedupe;

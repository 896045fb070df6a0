/**
 * Keyed hashing of identifiers from outside (message ids): {@link io.ackcoord.hash.SipHash}, so nobody who does not
 * know the key can choose ids that collide in A's tables or B's dedupe record, and which also derives receipts and
 * marker MACs; {@link io.ackcoord.hash.Sha256} of configured secrets.
 */
package io.ackcoord.hash;

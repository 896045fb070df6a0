package io.ackcoord.consumer.dedupe;


/**
 * A message that carries its id's {@link Fingerprints} fingerprint, computed once by B's pipeline, so that B's own
 * {@link ProcessedIds} stores (the dedupe record and the default handler's) need not hash the id again. B's
 * {@code Delivery} is one; a handler never sees this type.
 */
public interface Fingerprinted {

  /** The high half of the id's fingerprint. */
  long fingerprintHigh();

  /** The low half of the id's fingerprint. */
  long fingerprintLow();
}

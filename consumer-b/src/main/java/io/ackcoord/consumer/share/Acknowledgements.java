package io.ackcoord.consumer.share;

import io.ackcoord.consumer.loop.Inbound;

/**
 * How B tells the broker what became of a record it holds in a share group. The first word on a record counts; later
 * ones are ignored. Any thread.
 */
public interface Acknowledgements {

  /** Done for good: its reply (ACK or NACK) is durable, or it was a copy the broker delivered again. */
  void accept(Inbound in);

  /** Not a valid envelope; its poison copy is durable. The broker archives it. */
  void reject(Inbound in);

  /** Left unfinished (B stops, or could not settle it): the broker may deliver it again. */
  void release(Inbound in);
}

package io.ackcoord.producer.ledger;

/**
 * Where a message's record lies in topic 1. The record is the durable copy of the payload: A keeps this, not the
 * bytes, for a message once a send is confirmed, and reads the payload back from here to re-send or dead-letter it.
 *
 * @param partition the topic-1 partition
 * @param offset    the record's offset in it
 */
public record Position(int partition, long offset) {

  public Position {
    if (partition < 0 || offset < 0) {
      throw new IllegalArgumentException("invalid position " + partition + "@" + offset);
    }
  }

  @Override
  public String toString() {
    return partition + "@" + offset;
  }
}

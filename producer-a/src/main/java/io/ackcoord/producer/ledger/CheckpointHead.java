package io.ackcoord.producer.ledger;

import java.util.Map;

/**
 * The head record of one checkpoint: which chunks hold its entries, and the positions up to which it is complete.
 * A restart takes the newest head whose chunks all carry its sequence number, then reads topic 1 and the dead-letter
 * topic from the offsets named here, and replies from {@code replyOffset}.
 *
 * @param seq             this checkpoint's number; increases by one per checkpoint of this producer
 * @param chunks          how many chunk records hold the entries ({@code <set>.0} to {@code <set>.<chunks - 1>})
 * @param pending         how many entries the chunks hold (also in a readable header, for tools)
 * @param k0              the receipt key's first half (see {@link io.ackcoord.producer.ids.Receipts})
 * @param k1              its second half
 * @param replyOffset     replies from this offset of A's reply partition on were not yet applied; -1 if unknown
 * @param messageEnds     per partition of topic 1, the offset from which records are not covered
 * @param deadLetterEnds  per partition of the dead-letter topic, the same
 * @param writtenAtMillis wall time the checkpoint was composed
 */
public record CheckpointHead(long seq, int chunks, long pending, long k0, long k1, long replyOffset,
    Map<Integer, Long> messageEnds, Map<Integer, Long> deadLetterEnds, long writtenAtMillis) {

  public CheckpointHead {
    messageEnds = Map.copyOf(messageEnds);
    deadLetterEnds = Map.copyOf(deadLetterEnds);
  }
}

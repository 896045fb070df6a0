package io.ackcoord.producer.ledger;

import io.ackcoord.producer.ids.Receipts;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.tracing.TraceRoot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A restarted A's pending messages: the newest checkpoint, brought up to date with what it does not cover — this
 * A's records in topic 1 above the checkpoint's offsets (messages accepted or re-sent since) and its dead letters
 * above them (messages that ended since). Replies since the checkpoint are applied afterwards, as they are read.
 * Pure: the caller reads the topics.
 *
 * <p>Nothing read is taken on trust: a record in topic 1 counts only if its receipt is the one A derives for it, and a
 * dead letter only if it carries the proof A derives from that receipt ({@link Receipts#letterProof}). Whoever can
 * write to those topics but cannot read A's ledger can neither plant a message in A nor end one of A's.
 */
public final class RecoveryMerge {

  /** The timeout of an attempt, as the retry policy computes it without jitter. */
  @FunctionalInterface
  public interface Timeouts {
    long timeoutFor(int attempt, long baseTimeoutMillis);
  }

  private final String producerId;
  private final Receipts receipts;
  private final Timeouts timeouts;
  private final Map<String, LedgerEntry> byId = new HashMap<>();
  private int ignored;

  /** @param checkpoint the entries of the newest checkpoint (or of a ledger written before checkpoints) */
  public RecoveryMerge(String producerId, Receipts receipts, Timeouts timeouts, List<LedgerEntry> checkpoint) {
    this.producerId = producerId;
    this.receipts = receipts;
    this.timeouts = timeouts;
    for (LedgerEntry e : checkpoint) {
      byId.put(e.id(), e);
    }
  }

  /**
   * A record read from topic 1 at {@code at}: a message accepted since the checkpoint, or a later attempt of one in
   * it. Records of other producers, of older lives of an id, and without the right receipt are ignored.
   */
  public void sent(Envelope e, Position at) {
    sent(e, at, null);
  }

  /**
   * {@link #sent(Envelope, Position)}, with the trace the record's {@code traceparent} header names ({@code null}:
   * none), which the message keeps.
   */
  public void sent(Envelope e, Position at, TraceRoot trace) {
    if (!producerId.equals(e.producerId())) {
      return;
    }
    LedgerEntry known = byId.get(e.id());
    if (known != null && known.acceptedAtMillis() > e.createdAtMillis()) {
      return;
    }
    boolean sameLife = known != null && known.acceptedAtMillis() == e.createdAtMillis();
    long secret = sameLife ? known.secret() : receipts.secretFor(e.id(), e.createdAtMillis());
    if (e.receipt() != Receipts.receipt(secret, e.attempt())) {
      ignored++;
      return;
    }
    if (sameLife && known.attempt() > e.attempt()) {
      return;
    }
    if (sameLife && known.attempt() == e.attempt() && known.position() != null
        && known.position().partition() == at.partition() && known.position().offset() >= at.offset()) {
      return;
    }
    long timeout = timeouts.timeoutFor(e.attempt(), e.timeoutMillis());
    // The record's own header first; a record written with tracing off keeps what the checkpoint knew.
    TraceRoot kept = trace != null ? trace : sameLife ? known.trace() : null;
    byId.put(e.id(), new LedgerEntry(e.id(), producerId, e.attempt(), e.createdAtMillis(), e.sentAtMillis(),
        e.timeoutMillis(), e.sentAtMillis() + timeout, e.contentType(), null, secret, at, 0, null, kept));
  }

  /**
   * A dead letter of message {@code id} accepted at {@code createdAtMillis}, written for {@code attempt} with
   * {@code proof}: the message ended, unless the proof is not A's.
   */
  public void deadLettered(String id, String producer, long createdAtMillis, int attempt, long proof) {
    if (!producerId.equals(producer)) {
      return;
    }
    LedgerEntry known = byId.get(id);
    if (known == null || known.acceptedAtMillis() != createdAtMillis) {
      return;
    }
    if (proof != Receipts.letterProof(Receipts.receipt(known.secret(), attempt)) && known.secret() != 0) {
      ignored++;
      return;
    }
    byId.remove(id);
  }

  /** Records and dead letters that named this producer but did not carry its proof. */
  public int ignored() {
    return ignored;
  }

  /** What is pending, oldest accepted first. */
  public List<LedgerEntry> result() {
    List<LedgerEntry> out = new ArrayList<>(byId.values());
    out.sort(Comparator.comparingLong(LedgerEntry::acceptedAtMillis));
    return out;
  }
}

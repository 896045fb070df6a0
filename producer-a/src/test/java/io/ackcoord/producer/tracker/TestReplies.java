package io.ackcoord.producer.tracker;

import io.ackcoord.producer.ids.Receipts;
import io.ackcoord.protocol.Reply;

/** Replies as a genuine B writes them: with the proof of the attempt they name. */
public final class TestReplies {

  private TestReplies() {
  }

  /** {@code reply} with the proof made from the receipt of the attempt it names, as {@code tracker} sent it. */
  public static Reply signed(MessageTracker tracker, Reply reply) {
    long secret = tracker.find(reply.id()).orElseThrow().secret();
    return new Reply(reply.type(), reply.id(), reply.producerId(), reply.attempt(), reply.consumerId(),
        reply.atMillis(), reply.reason(), reply.retryable(), reply.extendMillis(),
        Reply.proof(Receipts.receipt(secret, reply.attempt()), reply.type()));
  }
}

package io.ackcoord.producer.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.producer.ids.Receipts;
import io.ackcoord.protocol.Envelope;
import io.ackcoord.tracing.TraceRoot;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RecoveryMergeTest {

  private static final Receipts KEY = new Receipts(5, 6);
  private static final RecoveryMerge.Timeouts TIMEOUTS = (attempt, base) -> base << (attempt - 1);

  /** What A wrote to topic 1 for attempt {@code attempt} of message {@code id} accepted at {@code acceptedAt}. */
  private static Envelope sent(String id, String producer, long acceptedAt, int attempt, long secret) {
    return new Envelope(id, producer, attempt, acceptedAt, acceptedAt + 100L * attempt, 0, 1000, "text/plain",
        new byte[] {1}, Receipts.receipt(secret, attempt));
  }

  private static long secret(String id, long acceptedAt) {
    return KEY.copy().secretFor(id, acceptedAt);
  }

  private static LedgerEntry checkpointed(String id, long acceptedAt, int attempt, Position at) {
    return new LedgerEntry(id, "a1", attempt, acceptedAt, acceptedAt, 1000, acceptedAt + 1000, null, null,
        secret(id, acceptedAt), at, 300, null);
  }

  private static long proof(String id, long acceptedAt, int attempt) {
    return Receipts.letterProof(Receipts.receipt(secret(id, acceptedAt), attempt));
  }

  @Test
  @DisplayName("a message accepted after the checkpoint comes back from its record, with its secret derived again")
  void acceptedSince() {
    RecoveryMerge merge = new RecoveryMerge("a1", KEY.copy(), TIMEOUTS, List.of());
    merge.sent(sent("m1", "a1", 5_000, 1, secret("m1", 5_000)), new Position(2, 40));

    LedgerEntry e = merge.result().get(0);
    assertThat(e.id()).isEqualTo("m1");
    assertThat(e.attempt()).isEqualTo(1);
    assertThat(e.position()).isEqualTo(new Position(2, 40));
    assertThat(e.secret()).isEqualTo(secret("m1", 5_000));
    assertThat(e.deadlineMillis()).as("sent at + the attempt's timeout").isEqualTo(5_100 + 1000);
    assertThat(e.contentType()).isEqualTo("text/plain");
    assertThat(e.payload()).as("the record is the payload's copy").isNull();
  }

  @Test
  @DisplayName("a later attempt moves a checkpointed message on; an older or the same one changes nothing")
  void laterAttempts() {
    LedgerEntry inCheckpoint = checkpointed("m1", 1_000, 2, new Position(0, 5));
    RecoveryMerge merge = new RecoveryMerge("a1", KEY.copy(), TIMEOUTS, List.of(inCheckpoint));
    merge.sent(sent("m1", "a1", 1_000, 1, secret("m1", 1_000)), new Position(0, 1));
    merge.sent(sent("m1", "a1", 1_000, 2, secret("m1", 1_000)), new Position(0, 5));
    assertThat(merge.result()).containsExactly(inCheckpoint);

    merge.sent(sent("m1", "a1", 1_000, 3, secret("m1", 1_000)), new Position(0, 9));
    LedgerEntry e = merge.result().get(0);
    assertThat(e.attempt()).isEqualTo(3);
    assertThat(e.position()).isEqualTo(new Position(0, 9));
    assertThat(e.deadlineMillis()).isEqualTo(1_300 + 4000);
    assertThat(e.extendedMillis()).as("a new attempt starts without extension").isZero();
  }

  @Test
  @DisplayName("a message keeps its trace: from its record's traceparent, else from the checkpoint")
  void traces() {
    TraceRoot trace = TraceRoot.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    RecoveryMerge merge = new RecoveryMerge("a1", KEY.copy(), TIMEOUTS, List.of());
    merge.sent(sent("m1", "a1", 5_000, 1, secret("m1", 5_000)), new Position(2, 40), trace);
    merge.sent(sent("m1", "a1", 5_000, 2, secret("m1", 5_000)), new Position(2, 41), null);
    assertThat(merge.result().get(0).attempt()).isEqualTo(2);
    assertThat(merge.result().get(0).trace()).as("a record without a header keeps the known trace").isEqualTo(trace);
  }

  @Test
  @DisplayName("records of other producers, and records naming this one without its receipt, are ignored")
  void untrustedRecords() {
    RecoveryMerge merge = new RecoveryMerge("a1", KEY.copy(), TIMEOUTS, List.of());
    merge.sent(sent("x", "a2", 1_000, 1, secret("x", 1_000)), new Position(0, 1));
    merge.sent(sent("forged", "a1", 1_000, 1, 12345), new Position(0, 2));
    merge.sent(sent("unsigned", "a1", 1_000, 1, 0), new Position(0, 3));

    assertThat(merge.result()).isEmpty();
    assertThat(merge.ignored()).isEqualTo(2);
  }

  @Test
  @DisplayName("a dead letter since the checkpoint ends the message, only with A's proof and only that life of the id")
  void deadLetters() {
    RecoveryMerge merge = new RecoveryMerge("a1", KEY.copy(), TIMEOUTS,
        List.of(checkpointed("m1", 1_000, 3, new Position(0, 5)), checkpointed("m2", 1_000, 1, new Position(0, 6))));
    merge.sent(sent("m3", "a1", 2_000, 1, secret("m3", 2_000)), new Position(1, 1));

    merge.deadLettered("m1", "a1", 1_000, 3, proof("m1", 1_000, 3));
    merge.deadLettered("m2", "a1", 1_000, 1, 777);
    merge.deadLettered("m3", "a1", 1_500, 1, proof("m3", 1_500, 1));
    merge.deadLettered("m3", "a2", 2_000, 1, proof("m3", 2_000, 1));

    assertThat(merge.result()).extracting(LedgerEntry::id).containsExactly("m2", "m3");
    assertThat(merge.ignored()).isEqualTo(1);
    merge.deadLettered("m3", "a1", 2_000, 1, proof("m3", 2_000, 1));
    assertThat(merge.result()).extracting(LedgerEntry::id).containsExactly("m2");
  }

  @Test
  @DisplayName("an id submitted again after its first life ended is the new message; the old life's records are ignored")
  void newLifeOfAnId() {
    RecoveryMerge merge = new RecoveryMerge("a1", KEY.copy(), TIMEOUTS,
        List.of(checkpointed("m1", 1_000, 1, new Position(0, 5))));
    merge.sent(sent("m1", "a1", 9_000, 1, secret("m1", 9_000)), new Position(0, 50));
    merge.sent(sent("m1", "a1", 1_000, 2, secret("m1", 1_000)), new Position(0, 40));

    LedgerEntry e = merge.result().get(0);
    assertThat(e.acceptedAtMillis()).isEqualTo(9_000);
    assertThat(e.position()).isEqualTo(new Position(0, 50));
  }

  @Test
  @DisplayName("a checkpointed entry that carried its payload (an older ledger's) takes the position of a record of it")
  void payloadEntryGetsPosition() {
    LedgerEntry old = new LedgerEntry("m1", "a1", 1, 1_000, 1_000, 1000, 2_000, null, new byte[] {1},
        secret("m1", 1_000));
    RecoveryMerge merge = new RecoveryMerge("a1", KEY.copy(), TIMEOUTS, List.of(old));
    merge.sent(sent("m1", "a1", 1_000, 1, secret("m1", 1_000)), new Position(0, 3));
    assertThat(merge.result().get(0).position()).isEqualTo(new Position(0, 3));
  }
}

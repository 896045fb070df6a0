package io.ackcoord.bench;

import java.util.concurrent.CompletionStage;

/**
 * One system under test, seen from the load generator: take a message, and complete when the sending side learns
 * that it was processed (ackcoord: A got B's ACK; baseline: the handler's result record was read back).
 */
interface Pipeline extends AutoCloseable {

  /** Name in tables and plots. */
  String name();

  /**
   * Submits one message. Must not block for long: the open-loop driver calls it at the intended send times.
   *
   * @return completes when the message is known to be processed; fails if it never will be
   */
  CompletionStage<?> submit(String id, byte[] payload);

  @Override
  void close();
}

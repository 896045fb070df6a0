package io.ackcoord.consumer;

/**
 * The record of message ids B has processed successfully, so that a re-sent copy is answered with ACK instead of
 * being processed again.
 *
 * <p>Only the event loop of B calls it. An implementation decides how long and how durably ids are remembered: the
 * in-memory {@link ProcessedIds} forgets on restart and beyond its capacity, and then a re-send is processed again
 * (at-least-once); a durable store narrows that window.
 */
public interface DedupeStore {

  /** Whether {@code id} was processed successfully and is still remembered. */
  boolean contains(String id);

  /** Remembers that {@code id} was processed successfully. */
  void add(String id);
}

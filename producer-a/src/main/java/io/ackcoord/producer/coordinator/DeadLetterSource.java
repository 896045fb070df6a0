package io.ackcoord.producer.coordinator;

import io.vertx.core.Future;
import java.util.List;

/**
 * The dead-letter topic, read back for redrives: A looks a dead letter up there rather than in its memory, so a
 * redrive works after A restarted and on any A. Implemented over Kafka by
 * {@code io.ackcoord.producer.kafka.DeadLetterReader}; answers complete on A's context.
 */
public interface DeadLetterSource {

  /**
   * One call's worth of a bulk scan.
   *
   * @param letters the matching dead letters, the latest per id, in the order they were read
   * @param scanned records read
   * @param cursor  where the next call resumes ({@link DeadLetterSource#scan}), or {@code null} when the range is
   *                read to its end
   */
  record Scan(List<DeadLetter> letters, long scanned, String cursor) {
  }

  /** The latest dead letter of message {@code id}, or {@code null} when the topic holds none. */
  Future<DeadLetter> latest(String id);

  /**
   * Reads dead letters matching {@code filter}, from {@code cursor} (a previous scan's; {@code null} for the start of
   * the filter's time range, found with the broker's time index, not by reading), until {@code limit} distinct ids
   * matched, the range's end, or the read's time budget. Fails with {@link IllegalArgumentException} for a cursor
   * it cannot use.
   */
  Future<Scan> scan(DeadLetterFilter filter, String cursor, int limit);
}

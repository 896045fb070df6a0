package io.ackcoord.producer.coordinator;

import java.util.Locale;

/**
 * Which dead letters a bulk redrive takes: written in [{@code fromMillis}, {@code toMillis}) (the record's
 * timestamp), whose reason contains {@code reasonContains} (ignoring case), written by producer {@code producer}.
 * An absent bound or text matches everything. Pure: the reader applies it to each record it scans.
 *
 * @param fromMillis     earliest timestamp, inclusive; {@code null} for the start of the topic
 * @param toMillis       latest timestamp, exclusive; {@code null} for its end
 * @param reasonContains text the reason must contain, ignoring case; {@code null} for any
 * @param producer       the {@code producer.id} that wrote the dead letter; {@code null} for any
 */
public record DeadLetterFilter(Long fromMillis, Long toMillis, String reasonContains, String producer) {

  public DeadLetterFilter {
    if (fromMillis != null && toMillis != null && toMillis <= fromMillis) {
      throw new IllegalArgumentException("'to' must be after 'from'");
    }
    reasonContains = reasonContains == null || reasonContains.isEmpty() ? null
        : reasonContains.toLowerCase(Locale.ROOT);
    producer = producer == null || producer.isEmpty() ? null : producer;
  }

  /** A filter that takes every dead letter. */
  public static DeadLetterFilter all() {
    return new DeadLetterFilter(null, null, null, null);
  }

  /** Whether {@code letter} is one this filter takes. */
  public boolean matches(DeadLetter letter) {
    return (fromMillis == null || letter.timestamp() >= fromMillis)
        && (toMillis == null || letter.timestamp() < toMillis)
        && (producer == null || producer.equals(letter.producerId()))
        && (reasonContains == null || letter.reason().toLowerCase(Locale.ROOT).contains(reasonContains));
  }
}

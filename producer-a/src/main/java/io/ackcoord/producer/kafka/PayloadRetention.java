package io.ackcoord.producer.kafka;

import io.ackcoord.producer.timer.RetryPolicy;
import java.util.Map;

/**
 * Whether topic 1 keeps a record long enough for A to read its payload back for the next re-send (see
 * docs/decisions/014). Pure: the topic's configuration and A's retry policy in, a verdict out.
 *
 * <p>A keeps the position of a message's latest confirmed copy, so a record must outlive the longest wait for the
 * next re-send: the largest reply timeout (grown by the multiplier up to {@code retry.backoff.max.ms}, plus jitter),
 * the IN_PROGRESS extensions a message may have in all, and the delay before a re-send after a NACK.
 *
 * @param deletes        whether the topic deletes by age or size at all ({@code cleanup.policy} has {@code delete})
 * @param retentionMillis {@code retention.ms}; -1 keeps records forever
 * @param retentionBytes {@code retention.bytes}; -1 for no size limit
 */
public record PayloadRetention(boolean deletes, long retentionMillis, long retentionBytes) {

  /** Reads the three settings from a topic's configuration, with Kafka's defaults for what it does not name. */
  public static PayloadRetention of(Map<String, String> topicConfig) {
    String policy = topicConfig.getOrDefault("cleanup.policy", "delete");
    return new PayloadRetention(policy.contains("delete"),
        Long.parseLong(topicConfig.getOrDefault("retention.ms", "604800000").trim()),
        Long.parseLong(topicConfig.getOrDefault("retention.bytes", "-1").trim()));
  }

  /** The longest a confirmed record of a message with first-attempt timeout {@code baseTimeoutMillis} may wait. */
  public static long longestWait(RetryPolicy policy, long baseTimeoutMillis) {
    long timeout = 0;
    long retryDelay = 0;
    for (int attempt = 1; attempt <= Math.min(policy.maxAttempts(), 64); attempt++) {
      timeout = Math.max(timeout, policy.timeoutFor(attempt, baseTimeoutMillis, 1.0));
      retryDelay = Math.max(retryDelay, policy.retryDelayFor(attempt, 1.0));
    }
    return timeout + policy.maxTotalExtensionMillis() + retryDelay;
  }

  /**
   * Why A must not start with this topic and policy ({@code retention.ms} shorter than the longest wait of a message
   * with the default timeout), or {@code null}.
   */
  public String refusal(String topic, RetryPolicy policy) {
    long wait = longestWait(policy, policy.ackTimeoutMillis());
    if (!deletes || retentionMillis < 0 || retentionMillis > wait) {
      return null;
    }
    return "topic " + topic + " keeps records for retention.ms=" + retentionMillis + ", but A may need a record "
        + "for " + wait + " ms to re-send its message (the largest reply timeout from ack.timeout.ms and "
        + "retry.backoff.max.ms, plus ack.extension.total.max.ms and the re-send delay): raise the topic's "
        + "retention.ms above that (kafka-configs.sh --alter --entity-type topics --entity-name " + topic
        + " --add-config retention.ms=...) or lower those settings";
  }

  /** What cannot be checked against time and deserves a warning, or {@code null}. */
  public String warning(String topic) {
    if (deletes && retentionBytes >= 0) {
      return "topic " + topic + " has retention.bytes=" + retentionBytes + ": a partition that grows past it deletes "
          + "old records whatever their age, and a message whose record is deleted before its re-send is "
          + "dead-lettered (without its payload); A cannot check this against its timeouts";
    }
    return null;
  }

  /**
   * The largest first-attempt timeout a caller may give a message so that its record outlives every wait, at most
   * {@code cap}.
   */
  public long maxTimeoutMillis(RetryPolicy policy, long cap) {
    if (!deletes || retentionMillis < 0 || longestWait(policy, cap) < retentionMillis) {
      return cap;
    }
    long low = 0;
    long high = cap;
    while (low < high) {
      long mid = (low + high + 1) >>> 1;
      if (longestWait(policy, mid) < retentionMillis) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }
}

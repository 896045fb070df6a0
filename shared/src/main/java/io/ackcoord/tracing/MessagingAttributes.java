package io.ackcoord.tracing;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attributes of ackcoord's spans: OpenTelemetry's messaging semantic conventions (declared here rather than
 * pulling in the incubating semconv artifact for five keys) and ackcoord's own, under {@code ackcoord.}.
 */
public final class MessagingAttributes {

  /** Always {@value #KAFKA}. */
  public static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  /** The topic a span sends to or processes from. */
  public static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  /** {@code create} (the submission), {@code send} or {@code process}. */
  public static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
  /** The same as {@link #OPERATION_TYPE}: ackcoord names no operations of its own. */
  public static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
  /** The message id, the same across attempts. */
  public static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  /** B's consumer group. */
  public static final AttributeKey<String> CONSUMER_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
  /** The topic-1 partition B read the record from (a string, as the conventions define it). */
  public static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
  /** The record's offset in that partition. */
  public static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
  /** The attempt a span is about, from 1. */
  public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("ackcoord.attempt");
  /** What became of an attempt: "acked", "timed out after 500 ms", "nack: ...", ... */
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("ackcoord.attempt.outcome");
  /** Why an attempt was sent again: what became of the one before. */
  public static final AttributeKey<String> RESEND_REASON = AttributeKey.stringKey("ackcoord.resend.reason");
  /** Why a message was dead-lettered (or who cancelled it). */
  public static final AttributeKey<String> DEAD_LETTER_REASON = AttributeKey.stringKey("ackcoord.dead_letter.reason");
  /** A's {@code producer.id}. */
  public static final AttributeKey<String> PRODUCER = AttributeKey.stringKey("ackcoord.producer.id");
  /** B's {@code consumer.instance.id}. */
  public static final AttributeKey<String> CONSUMER = AttributeKey.stringKey("ackcoord.consumer.id");
  /** On B's span: the id was processed before (or is being processed), so B answered without the handler. */
  public static final AttributeKey<Boolean> DUPLICATE = AttributeKey.booleanKey("ackcoord.duplicate");
  /** The value of {@link #SYSTEM}. */
  public static final String KAFKA = "kafka";

  private MessagingAttributes() {
  }
}

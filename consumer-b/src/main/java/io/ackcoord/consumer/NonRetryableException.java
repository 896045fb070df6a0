package io.ackcoord.consumer;

/**
 * A processing failure that no later attempt can fix (malformed payload, business rule violated). With this
 * anywhere in a failure's cause chain B replies NACK with {@code retryable=false}, and A dead-letters the message
 * at once instead of re-sending it. Any other failure is taken as retryable.
 */
public class NonRetryableException extends RuntimeException {

  public NonRetryableException(String message) {
    super(message);
  }

  public NonRetryableException(String message, Throwable cause) {
    super(message, cause);
  }
}

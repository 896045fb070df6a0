package io.ackcoord.consumer.replies;

import static org.assertj.core.api.Assertions.assertThat;

import io.ackcoord.consumer.NonRetryableException;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  @DisplayName("an ordinary failure is retryable")
  void ordinaryIsRetryable() {
    assertThat(Failures.isRetryable(new IOException("db down"))).isTrue();
  }

  @Test
  @DisplayName("NonRetryableException itself is not retryable")
  void nonRetryable() {
    assertThat(Failures.isRetryable(new NonRetryableException("bad payload"))).isFalse();
  }

  @Test
  @DisplayName("NonRetryableException deep in the cause chain is not retryable")
  void nonRetryableInChain() {
    Throwable wrapped = new CompletionException(new RuntimeException(new NonRetryableException("bad payload")));

    assertThat(Failures.isRetryable(wrapped)).isFalse();
  }

  @Test
  @DisplayName("a subclass of NonRetryableException counts too")
  void subclass() {
    class Invalid extends NonRetryableException {
      Invalid() {
        super("invalid");
      }
    }
    assertThat(Failures.isRetryable(new IllegalStateException(new Invalid()))).isFalse();
  }

  @Test
  @DisplayName("a cause chain that loops terminates and is retryable")
  void loopingChain() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);

    assertThat(Failures.isRetryable(a)).isTrue();
  }

  @Test
  @DisplayName("the reason names the exception class and message, cut to a bounded length")
  void reason() {
    assertThat(Failures.reason(new IOException("db down"))).isEqualTo("IOException: db down");
    assertThat(Failures.reason(new IllegalStateException())).isEqualTo("IllegalStateException");
    assertThat(Failures.reason(new RuntimeException("x".repeat(2000)))).hasSize(Failures.MAX_REASON_LENGTH);
  }
}

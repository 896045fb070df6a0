package io.ackcoord.testkit;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link ManagedProcess} prints: every line of stdout and stderr goes to its log file, the last lines are
 * kept for error messages, and stdout lines complete the futures of callers watching for a pattern. Thread-safe;
 * fed by one reader thread per stream.
 */
final class ProcessOutput {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessOutput.class);
  /** How many output lines are kept in memory for error messages. */
  private static final int TAIL_LINES = 60;
  /** Stdout lines kept so {@link #watch} also finds a line printed before it was called. */
  static final int STDOUT_HISTORY_LINES = 1_000;

  private final String owner;
  private final Path logFile;
  private final BufferedWriter logWriter;
  private final Object lock = new Object();
  /** Guarded by {@link #lock}. */
  private final Deque<String> tail = new ArrayDeque<>();
  /** Guarded by {@link #lock}. */
  private final Deque<String> stdoutHistory = new ArrayDeque<>();
  /** Guarded by {@link #lock}. */
  private final Map<CompletableFuture<MatchResult>, Pattern> watchers = new IdentityHashMap<>();
  /** Guarded by {@link #lock}. */
  private boolean stdoutClosed;
  /** Guarded by {@link #lock}. */
  private int openStreams = 2;
  // Completes when both stdout and stderr reached end of file, i.e. everything the process printed was read.
  private final CompletableFuture<Void> drained = new CompletableFuture<>();

  ProcessOutput(String owner, Path logFile, BufferedWriter logWriter) {
    this.owner = owner;
    this.logFile = logFile;
    this.logWriter = logWriter;
  }

  /** Reads one stream to its end; runs on that stream's own thread. */
  void pump(InputStream stream, boolean stdout) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        onLine(line, stdout);
      }
    } catch (IOException e) {
      LOG.debug("{}: {} reader stopped: {}", owner, stdout ? "stdout" : "stderr", e.toString());
    } finally {
      onStreamClosed(stdout);
    }
  }

  /**
   * A future completed with the first stdout line matching {@code pattern} (with {@link Matcher#find()}),
   * looking back over the last {@value #STDOUT_HISTORY_LINES} lines first; failed once stdout is closed. Call
   * {@link #unwatch} when no longer waiting.
   */
  CompletableFuture<MatchResult> watch(Pattern pattern) {
    CompletableFuture<MatchResult> result = new CompletableFuture<>();
    synchronized (lock) {
      for (String line : stdoutHistory) {
        Matcher matcher = pattern.matcher(line);
        if (matcher.find()) {
          result.complete(matcher.toMatchResult());
          return result;
        }
      }
      if (!stdoutClosed) {
        watchers.put(result, pattern);
        return result;
      }
    }
    result.completeExceptionally(new IllegalStateException("stdout closed"));
    return result;
  }

  void unwatch(CompletableFuture<MatchResult> watcher) {
    synchronized (lock) {
      watchers.remove(watcher);
    }
  }

  /** The last lines of stdout and stderr, oldest first. */
  String recent() {
    synchronized (lock) {
      return String.join(System.lineSeparator(), tail);
    }
  }

  /** Waits (bounded) until both streams were read to their end, so an error message has the last words. */
  void awaitDrained(Duration timeout) {
    try {
      drained.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("{}: output not drained: {}", owner, e.toString());
    }
  }

  private void onLine(String line, boolean stdout) {
    Map<CompletableFuture<MatchResult>, MatchResult> matched = new IdentityHashMap<>();
    synchronized (lock) {
      writeLog(line);
      keep(tail, line, TAIL_LINES);
      if (stdout) {
        keep(stdoutHistory, line, STDOUT_HISTORY_LINES);
        watchers.forEach((watcher, pattern) -> {
          Matcher matcher = pattern.matcher(line);
          if (matcher.find()) {
            matched.put(watcher, matcher.toMatchResult());
          }
        });
      }
    }
    // Completed outside the lock: a watcher's continuation must not run while we hold it.
    matched.forEach(CompletableFuture::complete);
  }

  private static void keep(Deque<String> lines, String line, int max) {
    lines.addLast(line);
    if (lines.size() > max) {
      lines.removeFirst();
    }
  }

  private void onStreamClosed(boolean stdout) {
    List<CompletableFuture<MatchResult>> orphaned = List.of();
    synchronized (lock) {
      if (stdout) {
        stdoutClosed = true;
        orphaned = List.copyOf(watchers.keySet());
      }
      if (--openStreams == 0) {
        try {
          logWriter.close();
        } catch (IOException e) {
          LOG.warn("{}: cannot close log {}: {}", owner, logFile, e.toString());
        }
        drained.complete(null);
      }
    }
    orphaned.forEach(watcher -> watcher.completeExceptionally(new IllegalStateException("stdout closed")));
  }

  private void writeLog(String line) {
    try {
      logWriter.write(line);
      logWriter.newLine();
      logWriter.flush(); // the file is what people read when a test fails or hangs
    } catch (IOException e) {
      LOG.debug("{}: cannot write log {}: {}", owner, logFile, e.toString());
    }
  }
}

package io.ackcoord.testkit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OS process owned by a test: started from a command, its stdout and stderr written to a log file (and the
 * last lines kept in memory for error messages), with the signals chaos tests need: {@link #stop(Duration)}
 * (SIGTERM, then SIGKILL), {@link #kill()} (SIGKILL), {@link #pause()} / {@link #resume()} (SIGSTOP /
 * SIGCONT). Signals go to the process and its descendants, so a launcher script's children are covered too.
 *
 * <p>Every process still running when the test JVM exits is killed by a shutdown hook: no child outlives the
 * JVM that started it, even when a test forgets to close it.
 *
 * <p>Thread-safe. Waiting never sleeps: {@link #awaitLine(Pattern, Duration)} waits on a future completed by
 * the thread that reads stdout ({@link ProcessOutput} keeps the output).
 *
 * <p>Somewhat over 300 lines because its nested {@link Builder} is part of its API; what is left is one concern,
 * the life of the process: start, signals, exit status, and the reaper at JVM exit.
 */
public final class ManagedProcess implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ManagedProcess.class);
  /** Grace period of {@link #close()} and of the JVM shutdown hook. */
  private static final long DEFAULT_STOP_GRACE_SECONDS = 10;
  private static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(DEFAULT_STOP_GRACE_SECONDS);
  /** Bound on waiting for a SIGKILLed process or a {@code kill -STOP} command; both are near-instant. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ManagedProcess::stopAllOnJvmExit, "managed-process-reaper"));
  }

  private final String name;
  private final Process process;
  private final Path logFile;
  private final ProcessOutput output;
  private volatile boolean paused;

  private ManagedProcess(String name, Process process, Path logFile, BufferedWriter logWriter) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.output = new ProcessOutput(name + " (pid " + process.pid() + ")", logFile, logWriter);
  }

  /**
   * Starts building a process.
   *
   * @param name    short name used in thread names, log lines and error messages
   * @param command the program and its arguments
   */
  public static Builder builder(String name, List<String> command) {
    return new Builder(name, command);
  }

  /** The OS process id, e.g. to correlate with the log or to signal it from elsewhere. */
  public long pid() {
    return process.pid();
  }

  /** The short name given at start. */
  public String name() {
    return name;
  }

  /** Where stdout and stderr are written, line by line as they arrive. */
  public Path logFile() {
    return logFile;
  }

  /** True until the process has exited (a paused process is alive). */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** True between {@link #pause()} and {@link #resume()} (or until the process is stopped or killed). */
  public boolean isPaused() {
    return paused && process.isAlive();
  }

  /** Completes with the exit status when the process exits; for chaos tests that watch for crashes. */
  public CompletableFuture<Integer> onExit() {
    return process.onExit().thenApply(Process::exitValue);
  }

  /**
   * Waits for a stdout line that matches {@code pattern} (with {@link Matcher#find()}), including lines printed
   * before this call (the last {@value ProcessOutput#STDOUT_HISTORY_LINES} are kept).
   *
   * @return the match, so callers can read groups such as a port
   * @throws IllegalStateException if the timeout passes or the process closes stdout (exits) first; the
   *     message carries the last lines of output
   */
  public MatchResult awaitLine(Pattern pattern, Duration timeout) {
    CompletableFuture<MatchResult> match = output.watch(pattern);
    try {
      return match.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(failure("printed no line matching /" + pattern + "/ within " + timeout), e);
    } catch (ExecutionException e) {
      awaitExit(KILL_WAIT); // stdout closes as the process exits: wait (bounded) so the message has its status
      throw new IllegalStateException(describeExit("exited before printing a line matching /" + pattern + "/"),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(failure("interrupted while waiting for /" + pattern + "/"), e);
    } finally {
      output.unwatch(match);
    }
  }

  /**
   * Stops the process gracefully: SIGTERM to it and its descendants, then SIGKILL to whatever is left after
   * {@code grace}. A paused process is continued first so it can handle the SIGTERM.
   *
   * @return the exit status
   */
  public int stop(Duration grace) {
    if (process.isAlive()) {
      List<ProcessHandle> tree = processTree();
      tree.forEach(ProcessHandle::destroy);
      if (paused) {
        signal("CONT", tree);
      }
      if (!awaitExit(grace)) {
        LOG.warn("{} did not stop within {} after SIGTERM; sending SIGKILL", this, grace);
        return kill();
      }
      // Descendants that outlived their parent's clean exit (re-parented, so only the old list knows them).
      tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
    paused = false;
    return exitStatus();
  }

  /**
   * Kills the process and its descendants with SIGKILL, as a crash would, and waits until it is gone.
   *
   * @return the exit status (137 for a JVM killed this way)
   */
  public int kill() {
    List<ProcessHandle> tree = processTree();
    // The process itself first: killing a child first could let it exit on its own (a shell's `wait` returns),
    // and its exit status would then not be the crash's. The handles of the others were taken before.
    process.toHandle().destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    if (!awaitExit(KILL_WAIT)) {
      throw new IllegalStateException(failure("still alive " + KILL_WAIT + " after SIGKILL"));
    }
    paused = false;
    return exitStatus();
  }

  /** Freezes the process and its descendants (SIGSTOP): it keeps its sockets but answers nothing. */
  public void pause() {
    requireAlive("pause");
    signal("STOP", processTree());
    paused = true;
  }

  /** Continues a process frozen by {@link #pause()} (SIGCONT). */
  public void resume() {
    requireAlive("resume");
    signal("CONT", processTree());
    paused = false;
  }

  /** Stops the process with a {@value #DEFAULT_STOP_GRACE_SECONDS}-second grace period. */
  @Override
  public void close() {
    stop(DEFAULT_STOP_GRACE);
  }

  /** The last lines of stdout and stderr, oldest first, for error messages. */
  public String recentOutput() {
    return output.recent();
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + ")";
  }

  private List<ProcessHandle> processTree() {
    // Descendants first: once the parent dies they are re-parented and no longer found from it.
    List<ProcessHandle> tree = process.toHandle().descendants().collect(Collectors.toCollection(ArrayList::new));
    tree.add(process.toHandle());
    return tree;
  }

  private boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(failure("interrupted while waiting for exit"), e);
    }
  }

  private int exitStatus() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  private void requireAlive(String action) {
    if (!process.isAlive()) {
      throw new IllegalStateException(describeExit("cannot " + action + ": already exited"));
    }
  }

  /** Sends a signal with the {@code kill} command: Java has no SIGSTOP / SIGCONT of its own. */
  private void signal(String signal, List<ProcessHandle> targets) {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    targets.stream().filter(ProcessHandle::isAlive).forEach(p -> command.add(Long.toString(p.pid())));
    if (command.size() == 2) {
      return;
    }
    try {
      Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!kill.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        kill.destroyForcibly();
        throw new IllegalStateException(failure("'" + String.join(" ", command) + "' did not finish"));
      }
      String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (kill.exitValue() != 0 && process.isAlive()) {
        throw new IllegalStateException(
            failure("'" + String.join(" ", command) + "' failed (" + kill.exitValue() + "): " + output));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run '" + String.join(" ", command) + "'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(failure("interrupted while sending SIG" + signal), e);
    }
  }

  private String describeExit(String what) {
    output.awaitDrained(KILL_WAIT);
    String status = process.isAlive() ? "still running" : "exit status " + process.exitValue();
    return failure(what + " (" + status + ")");
  }

  private String failure(String what) {
    return this + " " + what + "; log: " + logFile + System.lineSeparator()
        + "--- last output ---" + System.lineSeparator() + recentOutput();
  }

  private static void stopAllOnJvmExit() {
    List<ManagedProcess> running = List.copyOf(LIVE);
    if (running.isEmpty()) {
      return;
    }
    running.forEach(p -> p.processTree().forEach(ProcessHandle::destroy));
    running.stream().filter(p -> p.paused).forEach(p -> p.signal("CONT", p.processTree()));
    long deadline = System.nanoTime() + DEFAULT_STOP_GRACE.toNanos();
    for (ManagedProcess p : running) {
      long left = Math.max(0, deadline - System.nanoTime());
      if (!p.awaitExit(Duration.ofNanos(left))) {
        p.processTree().forEach(ProcessHandle::destroyForcibly);
      }
    }
  }

  /** Command, environment, working directory and log file of a process to start. */
  public static final class Builder {
    private final String name;
    private final List<String> command;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Path directory;
    private Path logFile;

    private Builder(String name, List<String> command) {
      this.name = Objects.requireNonNull(name, "name");
      this.command = List.copyOf(command);
      if (this.command.isEmpty()) {
        throw new IllegalArgumentException("command of " + name + " is empty");
      }
    }

    /** Adds or replaces an environment variable (the rest of this JVM's environment is inherited). */
    public Builder env(String key, String value) {
      environment.put(key, value);
      return this;
    }

    /** Working directory; default: this JVM's. */
    public Builder directory(Path directory) {
      this.directory = directory;
      return this;
    }

    /** Where stdout and stderr go; default: a new temporary file named after the process. */
    public Builder logFile(Path logFile) {
      this.logFile = logFile;
      return this;
    }

    /**
     * Starts the process and its output readers.
     *
     * @throws UncheckedIOException if the program cannot be started or the log file cannot be created
     */
    public ManagedProcess start() {
      try {
        Path log = logFile != null ? logFile : Files.createTempFile(name + "-", ".log");
        if (log.getParent() != null) {
          Files.createDirectories(log.getParent());
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        if (directory != null) {
          builder.directory(directory.toFile());
        }
        BufferedWriter writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
        Process started;
        try {
          started = builder.start();
        } catch (IOException e) {
          writer.close();
          throw e;
        }
        started.getOutputStream().close(); // nothing is ever written to its stdin
        ManagedProcess managed = new ManagedProcess(name, started, log, writer);
        LIVE.add(managed);
        started.onExit().thenRun(() -> LIVE.remove(managed));
        startDaemon(name + "-stdout", () -> managed.output.pump(started.getInputStream(), true));
        startDaemon(name + "-stderr", () -> managed.output.pump(started.getErrorStream(), false));
        LOG.debug("started {}: {} (log {})", managed, String.join(" ", command), log);
        return managed;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
      }
    }

    private static void startDaemon(String threadName, Runnable body) {
      Thread thread = new Thread(body, threadName);
      thread.setDaemon(true);
      thread.start();
    }
  }
}

package io.ackcoord.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedProcessTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private ManagedProcess start(String script) {
    return ManagedProcess.builder("sh", List.of("sh", "-c", script)).logFile(dir.resolve("sh.log")).start();
  }

  @Test
  @DisplayName("awaitLine returns the match, also for a line printed before the call")
  void awaitLineFindsEarlierLines() {
    try (ManagedProcess process = start("echo 'ready port=4711'; exec sleep 30")) {
      MatchResult first = process.awaitLine(Pattern.compile("port=(\\d+)"), TIMEOUT);
      MatchResult again = process.awaitLine(Pattern.compile("port=(\\d+)"), TIMEOUT);

      assertThat(first.group(1)).isEqualTo("4711");
      assertThat(again.group(1)).isEqualTo("4711");
    }
  }

  @Test
  @DisplayName("stdout and stderr both go to the log file")
  void logsBothStreams() {
    try (ManagedProcess process = start("echo out-line; echo err-line >&2; exec sleep 30")) {
      await().atMost(TIMEOUT).untilAsserted(() ->
          assertThat(Files.readString(process.logFile(), StandardCharsets.UTF_8)).contains("out-line", "err-line"));
      assertThat(process.recentOutput()).contains("out-line", "err-line");
    }
  }

  @Test
  @DisplayName("awaitLine fails at once, with exit status and output, when the process exits first")
  void awaitLineFailsWhenProcessExits() {
    try (ManagedProcess process = start("echo 'something else'; echo 'boom' >&2; exit 3")) {
      assertThatThrownBy(() -> process.awaitLine(Pattern.compile("^ready"), TIMEOUT))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("exit status 3")
          .hasMessageContaining("boom");
    }
  }

  @Test
  @DisplayName("awaitLine fails after its timeout when no line matches")
  void awaitLineTimesOut() {
    try (ManagedProcess process = start("echo 'not it'; exec sleep 30")) {
      assertThatThrownBy(() -> process.awaitLine(Pattern.compile("^ready"), Duration.ofMillis(300)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("within PT0.3S")
          .hasMessageContaining("not it");
    }
  }

  @Test
  @DisplayName("stop sends SIGTERM and returns the exit status")
  void stopTerminates() {
    ManagedProcess process = start("trap 'exit 7' TERM; echo ready; while :; do sleep 1; done");
    process.awaitLine(Pattern.compile("^ready$"), TIMEOUT);

    assertThat(process.stop(TIMEOUT)).isEqualTo(7);
    assertThat(process.isAlive()).isFalse();
  }

  @Test
  @DisplayName("stop falls back to SIGKILL when SIGTERM is ignored")
  void stopKillsAfterGrace() {
    ManagedProcess process = start("trap '' TERM; echo ready; while :; do sleep 1; done");
    process.awaitLine(Pattern.compile("^ready$"), TIMEOUT);

    assertThat(process.stop(Duration.ofMillis(500))).isEqualTo(137);
  }

  @Test
  @DisplayName("kill ends the process and its children")
  void killTakesChildren() throws Exception {
    ManagedProcess process = start("sleep 300 & echo child=$!; wait");
    long child = Long.parseLong(process.awaitLine(Pattern.compile("child=(\\d+)"), TIMEOUT).group(1));

    assertThat(process.kill()).isEqualTo(137);
    ProcessHandle handle = ProcessHandle.of(child).orElse(null);
    if (handle != null) {
      handle.onExit().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("pause stops the process (state T) and resume continues it")
  void pauseAndResume() throws IOException {
    try (ManagedProcess process = start("echo ready; exec sleep 30")) {
      process.awaitLine(Pattern.compile("^ready$"), TIMEOUT);

      process.pause();
      await().atMost(TIMEOUT).until(() -> state(process.pid()) == 'T');
      assertThat(process.isPaused()).isTrue();

      process.resume();
      await().atMost(TIMEOUT).until(() -> state(process.pid()) != 'T');
      assertThat(process.isPaused()).isFalse();
    }
  }

  @Test
  @DisplayName("stop works on a paused process")
  void stopPaused() {
    ManagedProcess process = start("echo ready; exec sleep 30");
    process.awaitLine(Pattern.compile("^ready$"), TIMEOUT);
    process.pause();

    assertThat(process.stop(TIMEOUT)).isEqualTo(143);
  }

  /** The state letter from /proc/PID/stat (Linux): T = stopped. */
  private static char state(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    return stat.charAt(stat.lastIndexOf(')') + 2);
  }
}

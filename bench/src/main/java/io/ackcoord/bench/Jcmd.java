package io.ackcoord.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The JDK's {@code jcmd}, for what the benchmark asks of its child JVMs: a full GC, heap figures, JFR. */
final class Jcmd {

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private Jcmd() {
  }

  /** Runs {@code jcmd PID args...} and returns its output; fails on a non-zero exit. */
  static String run(long pid, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    command.add(Long.toString(pid));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Heap in use after a full GC ({@code GC.run}, then {@code GC.heap_info}), in bytes. */
  static long usedHeapAfterFullGc(long pid) {
    run(pid, "GC.run");
    return usedHeap(run(pid, "GC.heap_info"));
  }

  /** The heap's "used" figure of a {@code GC.heap_info} answer (the first one: G1's whole heap), in bytes. */
  static long usedHeap(String heapInfo) {
    Matcher m = USED.matcher(heapInfo);
    if (!m.find()) {
      throw new IllegalStateException("no 'used' figure in: " + heapInfo);
    }
    return Long.parseLong(m.group(1)) * 1024;
  }
}

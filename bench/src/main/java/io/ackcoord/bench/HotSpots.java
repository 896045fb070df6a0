package io.ackcoord.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a process spent its CPU, from the {@code jdk.ExecutionSample} events of a JFR recording: the methods on top
 * of the sampled stacks (self time), the ackcoord methods anywhere on them (inclusive time), and the threads.
 */
final class HotSpots {

  private static final String OWN = "io.ackcoord.";

  private HotSpots() {
  }

  /** One line of a hot-spot table: what, and its share of the samples (0–1). */
  record Share(String what, double share) {
  }

  /**
   * @param process  which process the recording is of
   * @param samples  execution samples in the recording
   * @param self     methods on top of the stack
   * @param ackcoord ackcoord's own methods anywhere on the stack
   * @param threads  threads, numbered ones grouped
   */
  record Profile(String process, long samples, List<Share> self, List<Share> ackcoord, List<Share> threads) {
  }

  static Profile summarize(String process, Path recording, int top) {
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> own = new HashMap<>();
    Map<String, Long> threads = new HashMap<>();
    long samples = 0;
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
          continue;
        }
        RecordedStackTrace stack = e.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
          continue;
        }
        samples++;
        List<RecordedFrame> frames = stack.getFrames();
        self.merge(name(frames.get(0).getMethod()), 1L, Long::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame f : frames) {
          String n = name(f.getMethod());
          // Lambda frames repeat the method that holds the lambda: count that one.
          if (n.startsWith(OWN) && !n.contains("$$Lambda") && seen.add(n)) {
            own.merge(n, 1L, Long::sum);
          }
        }
        RecordedThread t = e.getThread("sampledThread");
        threads.merge(t == null ? "?" : threadGroup(t.getJavaName()), 1L, Long::sum);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + recording, e);
    }
    return new Profile(process, samples, top(self, samples, top), top(own, samples, top), top(threads, samples, top));
  }

  /** Threads that differ only in their numbers are one group: {@code vert.x-eventloop-thread-N}. */
  static String threadGroup(String name) {
    return name == null ? "?" : name.replaceAll("\\d+", "N");
  }

  private static String name(RecordedMethod m) {
    String type = m.getType().getName();
    return type + "." + m.getName();
  }

  private static List<Share> top(Map<String, Long> counts, long samples, int n) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
        .limit(n)
        .map(e -> new Share(e.getKey(), samples == 0 ? 0 : e.getValue() / (double) samples))
        .toList();
  }
}

package io.ackcoord.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a run happened on, for the report: CPU model and count ({@code /proc/cpuinfo}), memory
 * ({@code /proc/meminfo}), OS, JDK, and the Kafka versions of the broker and of the clients.
 */
public record Machine(String cpu, int cpus, long memoryBytes, String os, String jdk, String kafkaBroker,
    String kafkaClients) {

  /** This machine; {@code kafkaBroker} is the broker's version as the launcher found it. */
  static Machine current(String kafkaBroker) {
    List<String> cpuinfo = lines(Path.of("/proc/cpuinfo"));
    String model = cpuinfo.stream().filter(l -> l.startsWith("model name")).findFirst()
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    long cpus = cpuinfo.stream().filter(l -> l.startsWith("processor")).count();
    long memory = lines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:")).findFirst()
        .map(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).orElse(0L);
    return new Machine(model, (int) (cpus == 0 ? Runtime.getRuntime().availableProcessors() : cpus), memory,
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        kafkaBroker, org.apache.kafka.common.utils.internals.AppInfoParser.getVersion());
  }

  /** The first three figures of {@code /proc/loadavg}: how busy the machine was (other work shares it). */
  static String loadAverage() {
    List<String> l = lines(Path.of("/proc/loadavg"));
    return l.isEmpty() ? "unknown" : String.join(" ", List.of(l.get(0).split(" ")).subList(0, 3));
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException e) {
      return List.of();
    }
  }
}

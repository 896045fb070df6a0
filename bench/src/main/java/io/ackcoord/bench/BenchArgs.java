package io.ackcoord.bench;

import java.nio.file.Path;

/** Command-line arguments; bin/bench passes them. */
final class BenchArgs {
  boolean quick;
  String bootstrap;
  Path root = Path.of(".").toAbsolutePath().normalize();
  Path out;
  String kafkaVersion = "unknown";
  String command = "bin/bench";
  int payloadBytes;
  long pending;
  int window;
  long brokerPid;

  /** The settings these arguments select: quick or full, with any sizes given on the command line. */
  BenchSettings settings() {
    BenchSettings settings = quick ? BenchSettings.quick() : BenchSettings.full();
    if (payloadBytes > 0) {
      settings = settings.withPayloadBytes(payloadBytes);
    }
    if (pending > 0) {
      settings = settings.withPendingCount(pending);
    }
    if (window > 0) {
      settings = settings.withWindow(window);
    }
    return settings;
  }

  static BenchArgs parse(String[] args) {
    BenchArgs a = new BenchArgs();
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--quick" -> {
          a.quick = true;
          continue;
        }
        case "--bootstrap" -> a.bootstrap = v;
        case "--root" -> a.root = Path.of(v);
        case "--out" -> a.out = Path.of(v);
        case "--kafka-version" -> a.kafkaVersion = v;
        case "--command" -> a.command = v;
        case "--payload-bytes" -> a.payloadBytes = Integer.parseInt(v);
        case "--pending" -> a.pending = Long.parseLong(v);
        case "--window" -> a.window = Integer.parseInt(v);
        case "--broker-pid" -> a.brokerPid = Long.parseLong(v);
        default -> usage("unknown argument: " + args[i]);
      }
      if (v == null) {
        usage(args[i] + " needs a value");
      }
      i++;
    }
    if (a.bootstrap == null || a.out == null) {
      usage("--bootstrap and --out are required");
    }
    return a;
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: BenchMain --bootstrap HOST:PORT --out DIR [--root DIR] [--quick] [--kafka-version V]"
        + " [--payload-bytes N] [--pending N] [--window N] [--broker-pid PID] [--command TEXT]"
        + "  (normally run through bin/bench)");
    System.exit(2);
  }
}

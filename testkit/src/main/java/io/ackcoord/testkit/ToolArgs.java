package io.ackcoord.testkit;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The command line of ackcoord's tools ({@code bin/verify}, {@code bin/inspect}): {@code --flag value} pairs, each
 * flag defaulting to an environment variable and then to a fixed value; {@code -h}/{@code --help} prints the usage
 * and exits 0, a misuse prints it to stderr and exits 2.
 */
final class ToolArgs {

  private final Map<String, String> values = new HashMap<>();

  private ToolArgs() {
  }

  /** Parses {@code args}; only {@code flags} are accepted. May exit the JVM (help, misuse). */
  static ToolArgs parse(String[] args, String usage, Set<String> flags) {
    ToolArgs parsed = new ToolArgs();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-h") || args[i].equals("--help")) {
        System.out.println(usage);
        System.exit(0);
      }
      if (!flags.contains(args[i])) {
        fail("unknown argument: " + args[i], usage);
      }
      if (i + 1 >= args.length) {
        fail(args[i] + " needs a value", usage);
      }
      parsed.values.put(args[i], args[++i]);
    }
    return parsed;
  }

  /** The flag's value, else the environment variable's (if not blank), else {@code fallback}. */
  String get(String flag, String env, String fallback) {
    String given = values.get(flag);
    if (given != null) {
      return given;
    }
    String v = env == null ? null : System.getenv(env);
    return v == null || v.isBlank() ? fallback : v;
  }

  static void fail(String problem, String usage) {
    System.err.println(problem);
    System.err.println(usage);
    System.exit(2);
  }
}

package io.ackcoord.testkit;

import java.time.Duration;

/**
 * {@code bin/verify}: balances the books of a running or stopped deployment and prints one line. Exit code 0 when
 * lost, duplicate effects, unexpected and stuck are all zero, 1 otherwise, 2 for bad arguments.
 *
 * <pre>bin/verify [--bootstrap host:port] [--prefix ackcoord.] [--group ackcoord-consumer-b]</pre>
 *
 * <p>Without the callers' own list of accepted ids, every id on topic 1 counts as accepted.
 *
 * <p>A command-line tool: the verdict on stdout and usage errors on stderr are its interface, not logging.
 */
public final class Verify {

  private Verify() {
  }

  public static void main(String[] args) {
    String bootstrap = env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
    String prefix = env("TOPIC_PREFIX", "ackcoord.");
    String group = env("CONSUMER_GROUP_ID", "ackcoord-consumer-b");
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--bootstrap" -> bootstrap = required(args[i], value);
        case "--prefix" -> prefix = required(args[i], value);
        case "--group" -> group = required(args[i], value);
        case "-h", "--help" -> {
          usage();
          return;
        }
        default -> {
          System.err.println("unknown argument: " + args[i]);
          usage();
          System.exit(2);
        }
      }
      i++;
    }
    Books books = new BooksChecker(bootstrap, prefix, Duration.ofSeconds(60)).check(null, null, group);
    System.out.println(books.line());
    System.out.println("  (" + books.details() + ")");
    System.exit(books.clean() ? 0 : 1);
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  private static String required(String flag, String value) {
    if (value == null) {
      System.err.println(flag + " needs a value");
      System.exit(2);
    }
    return value;
  }

  private static void usage() {
    System.out.println("usage: bin/verify [--bootstrap host:port] [--prefix topic-prefix] [--group b-consumer-group]");
    System.out.println("  defaults from KAFKA_BOOTSTRAP_SERVERS, TOPIC_PREFIX, CONSUMER_GROUP_ID, else "
        + "127.0.0.1:9092, ackcoord., ackcoord-consumer-b");
  }
}

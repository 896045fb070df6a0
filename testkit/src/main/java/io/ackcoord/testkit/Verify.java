package io.ackcoord.testkit;

import java.time.Duration;
import java.util.Set;

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

  private static final String USAGE = """
      usage: bin/verify [--bootstrap host:port] [--prefix topic-prefix] [--group b-consumer-group]
        defaults from KAFKA_BOOTSTRAP_SERVERS, TOPIC_PREFIX, CONSUMER_GROUP_ID, else 127.0.0.1:9092, ackcoord., \
      ackcoord-consumer-b""";

  private Verify() {
  }

  public static void main(String[] args) {
    ToolArgs a = ToolArgs.parse(args, USAGE, Set.of("--bootstrap", "--prefix", "--group"));
    String bootstrap = a.get("--bootstrap", "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
    String prefix = a.get("--prefix", "TOPIC_PREFIX", "ackcoord.");
    String group = a.get("--group", "CONSUMER_GROUP_ID", "ackcoord-consumer-b");
    Books books = new BooksChecker(bootstrap, prefix, Duration.ofSeconds(60)).check(null, null, group);
    System.out.println(books.line());
    System.out.println("  (" + books.details() + ")");
    System.exit(books.clean() ? 0 : 1);
  }
}

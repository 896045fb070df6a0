package io.ackcoord.producer.ids;

/**
 * What a caller-chosen message id may look like: 1 to {@value #MAX_LENGTH} of {@code A-Z a-z 0-9 . _ : @ -}, but not
 * {@code .} or {@code ..}, so it is safe in a Kafka key, a URL path segment (those two would be resolved away before
 * {@code GET /api/messages/{id}} sees them) and a log line. A character loop, not a regex: it runs per message.
 */
public final class MessageIds {

  public static final int MAX_LENGTH = 200;
  /** The rule in words, for error messages. */
  public static final String RULE = "1 to " + MAX_LENGTH + " of A-Z a-z 0-9 . _ : @ -, other than . and ..";

  private MessageIds() {
  }

  public static boolean isValid(String id) {
    int n = id.length();
    if (n == 0 || n > MAX_LENGTH || id.equals(".") || id.equals("..")) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || c == '.' || c == '_' || c == ':' || c == '@' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}

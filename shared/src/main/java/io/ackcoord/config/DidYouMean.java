package io.ackcoord.config;

import java.util.Collection;

/**
 * The "did you mean" hint for an unknown config key: the nearest known key by edit distance. Our own because
 * it is twenty lines and the only string metric we need; commons-text would be a dependency for one method.
 */
final class DidYouMean {

  private DidYouMean() {
  }

  /** {@code " (did you mean 'k'?)"} for the known key within two edits of {@code unknown}, else empty. */
  static String among(Collection<String> known, String unknown) {
    String best = null;
    int bestDistance = 3;
    for (String candidate : known) {
      int d = distance(unknown, candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best == null ? "" : " (did you mean '" + best + "'?)";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}

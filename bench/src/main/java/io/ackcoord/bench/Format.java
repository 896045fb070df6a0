package io.ackcoord.bench;

import java.util.Locale;

/** How figures are written in the report and the final line: fixed decimals, a dot as decimal separator. */
final class Format {

  private Format() {
  }

  /** A ratio with two decimals: {@code 0.83}; {@code n/a} when unknown. */
  static String ratio(double r) {
    return Double.isFinite(r) ? String.format(Locale.ROOT, "%.2f", r) : "n/a";
  }

  /** Milliseconds with one decimal and the unit: {@code 7.1 ms}; {@code n/a} when unknown. */
  static String ms(double ms) {
    return Double.isFinite(ms) ? String.format(Locale.ROOT, "%.1f ms", ms) : "n/a";
  }

  /** A count or rate rounded, with thousands separators: {@code 12,345}. */
  static String count(double n) {
    return Double.isFinite(n) ? String.format(Locale.ROOT, "%,.0f", n) : "n/a";
  }

  /** Microseconds with one decimal and the unit: {@code 11.5 µs}; {@code n/a} when unknown. */
  static String micros(double us) {
    return Double.isFinite(us) ? String.format(Locale.ROOT, "%.1f µs", us) : "n/a";
  }

  /** Megabytes with one decimal: {@code 123.4 MB}. */
  static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
  }

  /** A share (0–1) as a percentage with one decimal: {@code 12.5 %}. */
  static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f %%", share * 100);
  }
}

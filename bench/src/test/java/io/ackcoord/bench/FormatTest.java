package io.ackcoord.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FormatTest {

  @Test
  @DisplayName("ratios have two decimals and a dot, whatever the locale")
  void ratios() {
    assertThat(Format.ratio(0.8333)).isEqualTo("0.83");
    assertThat(Format.ratio(1)).isEqualTo("1.00");
    assertThat(Format.ratio(Double.NaN)).isEqualTo("n/a");
  }

  @Test
  @DisplayName("milliseconds have one decimal and the unit")
  void milliseconds() {
    assertThat(Format.ms(7.14)).isEqualTo("7.1 ms");
    assertThat(Format.ms(123.45)).isEqualTo("123.5 ms");
    assertThat(Format.ms(Double.POSITIVE_INFINITY)).isEqualTo("n/a");
  }

  @Test
  @DisplayName("counts are rounded with thousands separators")
  void counts() {
    assertThat(Format.count(12_345.6)).isEqualTo("12,346");
    assertThat(Format.mb(512L << 20)).isEqualTo("512.0 MB");
    assertThat(Format.percent(0.125)).isEqualTo("12.5 %");
    assertThat(Format.micros(11.54)).isEqualTo("11.5 µs");
    assertThat(Format.micros(Double.NaN)).isEqualTo("n/a");
  }
}

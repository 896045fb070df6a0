package io.ackcoord.bench;

import static io.ackcoord.bench.BenchReport.AT_LEAST_ONCE;
import static io.ackcoord.bench.BenchReport.AT_LEAST_ONCE_SHARE;
import static io.ackcoord.bench.BenchReport.BASELINE;
import static io.ackcoord.bench.BenchReport.EXACTLY_ONCE;
import static io.ackcoord.bench.BenchReport.SHARE_GROUP;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

  private static final List<String> SYSTEMS = List.of(BASELINE, SHARE_GROUP, AT_LEAST_ONCE, EXACTLY_ONCE,
      AT_LEAST_ONCE_SHARE);

  @Test
  @DisplayName("a label too wide for its place is broken at spaces into lines that fit")
  void wrapsLabels() {
    Graphics2D g = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB).createGraphics();
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    int width = g.getFontMetrics().stringWidth("ackcoord at-least-once,") + 1;
    assertThat(Charts.wrap(g, AT_LEAST_ONCE_SHARE, width)).containsExactly("ackcoord at-least-once,", "share mode");
    assertThat(Charts.wrap(g, BASELINE, width)).containsExactly(BASELINE);
    assertThat(Charts.wrap(g, "unbreakable-word", 1)).containsExactly("unbreakable-word");
  }

  @Test
  @DisplayName("both plots draw all five systems, and the throughput plot A's and the bridge's HTTP bars")
  void drawsFiveSystems(@TempDir Path dir) throws Exception {
    List<SaturationResult> bars = new java.util.ArrayList<>(SYSTEMS.stream()
        .map(s -> new SaturationResult(s, 8_000, 80_000, 0, 10)).toList());
    bars.add(new SaturationResult(BenchReport.HTTP_A + ", HTTP POST (202)", 5_000, 20_000, 0, 4));
    bars.add(new SaturationResult(BenchReport.HTTP_BRIDGE + ", HTTP POST (202)", 7_000, 28_000, 0, 4));
    List<LatencyResult> latency = SYSTEMS.stream()
        .flatMap(s -> List.of(1_000.0, 2_500.0).stream()
            .map(rate -> new LatencyResult(s, rate, 10_000, 10_000, 0, 0, 2.0, 9.0, 12.0, 20.0)))
        .toList();
    Charts.throughput(bars, dir.resolve("throughput.png"));
    Charts.latency(latency, dir.resolve("latency.png"));
    for (String f : List.of("throughput.png", "latency.png")) {
      BufferedImage img = ImageIO.read(Files.newInputStream(dir.resolve(f)));
      assertThat(img.getWidth()).isEqualTo(900);
    }
  }
}

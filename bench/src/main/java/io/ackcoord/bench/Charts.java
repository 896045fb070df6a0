package io.ackcoord.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The report's two plots, drawn with java.awt (headless): p50/p99 latency against offered rate per system (log
 * scale), and throughput at saturation as bars.
 */
final class Charts {

  private static final int W = 900;
  private static final int H = 520;
  private static final int LEFT = 80;
  private static final int RIGHT = 220;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;
  /**
   * In the order the systems come: baseline grey, share group blue, at-least-once red, exactly-once green,
   * at-least-once in share mode orange, then the HTTP bars: A's POSTs purple, the HTTP→Kafka bridge's brown.
   */
  private static final Color[] COLORS = {new Color(0x55, 0x55, 0x55), new Color(0x1f, 0x77, 0xb4),
      new Color(0xd6, 0x27, 0x28), new Color(0x2c, 0xa0, 0x2c), new Color(0xff, 0x7f, 0x0e),
      new Color(0x94, 0x67, 0xbd), new Color(0x8c, 0x56, 0x4b)};
  private static final int LINE = 16;
  private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);

  private Charts() {
  }

  /** p99 (solid) and p50 (dashed) latency against offered rate, one colour per system, log-scale y axis. */
  static void latency(List<LatencyResult> results, Path file) {
    List<LatencyResult> ran = results.stream().filter(LatencyResult::ran).toList();
    Map<String, List<LatencyResult>> bySystem = new LinkedHashMap<>();
    ran.forEach(r -> bySystem.computeIfAbsent(r.system(), k -> new ArrayList<>()).add(r));
    double maxRate = ran.stream().mapToDouble(LatencyResult::rate).max().orElse(1) * 1.05;
    double minMs = Math.max(0.1, ran.stream().mapToDouble(LatencyResult::p50Ms).min().orElse(1));
    double maxMs = Math.max(minMs * 10, ran.stream().mapToDouble(LatencyResult::p99Ms).max().orElse(10));
    double lo = Math.floor(Math.log10(minMs));
    double hi = Math.ceil(Math.log10(maxMs));
    BufferedImage img = canvas();
    Graphics2D g = img.createGraphics();
    setUp(g);
    title(g, "Latency against offered rate (solid p99, dashed p50)");
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    axes(g, plotW, plotH);
    g.setFont(FONT);
    for (double e = lo; e <= hi; e++) {
      int y = TOP + plotH - (int) ((e - lo) / (hi - lo) * plotH);
      g.setColor(new Color(0xdd, 0xdd, 0xdd));
      g.drawLine(LEFT + 1, y, LEFT + plotW, y);
      g.setColor(Color.BLACK);
      String label = Math.pow(10, e) >= 1 ? String.format(Locale.ROOT, "%.0f ms", Math.pow(10, e))
          : String.format(Locale.ROOT, "%.1f ms", Math.pow(10, e));
      g.drawString(label, LEFT - g.getFontMetrics().stringWidth(label) - 6, y + 5);
    }
    for (int i = 0; i <= 5; i++) {
      double rate = maxRate * i / 5;
      int x = LEFT + (int) (plotW * i / 5.0);
      String label = Format.count(rate);
      g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + plotH + 20);
    }
    g.drawString("offered rate, msg/s", LEFT + plotW / 2 - 50, H - 15);
    Stroke solid = new BasicStroke(2.2f);
    Stroke dashed = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 5}, 0);
    int c = 0;
    int legendY = TOP + 20;
    for (Map.Entry<String, List<LatencyResult>> e : bySystem.entrySet()) {
      Color color = COLORS[c % COLORS.length];
      List<LatencyResult> points = e.getValue().stream()
          .sorted(java.util.Comparator.comparingDouble(LatencyResult::rate)).toList();
      for (boolean p99 : new boolean[] {true, false}) {
        g.setColor(color);
        g.setStroke(p99 ? solid : dashed);
        int px = -1;
        int py = -1;
        for (LatencyResult r : points) {
          double ms = Math.max(Math.pow(10, lo), p99 ? r.p99Ms() : r.p50Ms());
          int x = LEFT + (int) (r.rate() / maxRate * plotW);
          int y = TOP + plotH - (int) ((Math.log10(ms) - lo) / (hi - lo) * plotH);
          if (px >= 0) {
            g.drawLine(px, py, x, y);
          }
          g.fillOval(x - 4, y - 4, 8, 8);
          px = x;
          py = y;
        }
      }
      g.setStroke(solid);
      g.drawLine(W - RIGHT + 15, legendY - 5, W - RIGHT + 40, legendY - 5);
      g.setColor(Color.BLACK);
      List<String> lines = wrap(g, e.getKey(), RIGHT - 52);
      for (int i = 0; i < lines.size(); i++) {
        g.drawString(lines.get(i), W - RIGHT + 48, legendY + i * LINE);
      }
      legendY += 8 + lines.size() * LINE;
      c++;
    }
    write(img, g, file);
  }

  /** Messages per second at saturation, one bar per system, labelled with the figure. */
  static void throughput(List<SaturationResult> results, Path file) {
    BufferedImage img = canvas();
    Graphics2D g = img.createGraphics();
    setUp(g);
    title(g, "Throughput at saturation (messages/s, higher is better)");
    int plotW = W - LEFT - 40;
    int plotH = H - TOP - BOTTOM - 20;
    double max = results.stream().mapToDouble(SaturationResult::perSecond).max().orElse(1) * 1.15;
    g.setColor(Color.BLACK);
    g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);
    int slot = plotW / Math.max(1, results.size());
    g.setFont(FONT);
    for (int i = 0; i < results.size(); i++) {
      SaturationResult s = results.get(i);
      int barH = (int) (s.perSecond() / max * plotH);
      int x = LEFT + i * slot + slot / 5;
      int w = slot * 3 / 5;
      g.setColor(COLORS[i % COLORS.length]);
      g.fillRect(x, TOP + plotH - barH, w, barH);
      g.setColor(Color.BLACK);
      String value = Format.count(s.perSecond());
      g.drawString(value, x + w / 2 - g.getFontMetrics().stringWidth(value) / 2, TOP + plotH - barH - 6);
      List<String> lines = wrap(g, s.system(), slot - 6);
      for (int l = 0; l < lines.size(); l++) {
        String label = lines.get(l);
        g.drawString(label, x + w / 2 - g.getFontMetrics().stringWidth(label) / 2, TOP + plotH + 20 + l * LINE);
      }
    }
    write(img, g, file);
  }

  /** {@code text} in lines of at most {@code width} pixels, broken at spaces (a longer word gets a line of its own). */
  static List<String> wrap(Graphics2D g, String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      String longer = line.isEmpty() ? word : line + " " + word;
      if (!line.isEmpty() && g.getFontMetrics().stringWidth(longer) > width) {
        lines.add(line.toString());
        line = new StringBuilder(word);
      } else {
        line = new StringBuilder(longer);
      }
    }
    lines.add(line.toString());
    return lines;
  }

  private static BufferedImage canvas() {
    return new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
  }

  private static void setUp(Graphics2D g) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
  }

  private static void title(Graphics2D g, String text) {
    g.setColor(Color.BLACK);
    g.setFont(TITLE);
    g.drawString(text, LEFT, 28);
  }

  private static void axes(Graphics2D g, int plotW, int plotH) {
    g.setColor(Color.BLACK);
    g.drawLine(LEFT, TOP, LEFT, TOP + plotH);
    g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);
  }

  private static void write(BufferedImage img, Graphics2D g, Path file) {
    g.dispose();
    try {
      Files.createDirectories(file.getParent());
      ImageIO.write(img, "png", file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}

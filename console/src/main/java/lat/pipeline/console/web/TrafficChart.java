package lat.pipeline.console.web;

import java.util.List;
import java.util.Map;

/** Events per minute per provider over the last hour, as an inline SVG line chart. */
final class TrafficChart {

  private static final List<String> COLOURS = List.of("#2e6be6", "#d9480f", "#2b8a3e", "#862e9c", "#c2255c", "#0b7285");
  private static final int WIDTH = 720;
  private static final int HEIGHT = 180;
  private static final int LEFT = 40;
  private static final int BOTTOM = 24;
  private static final int TOP = 10;

  private TrafficChart() {}

  static String svg(Map<String, long[]> perProvider) {
    long max = 1;
    for (long[] line : perProvider.values()) {
      for (long count : line) {
        max = Math.max(max, count);
      }
    }
    StringBuilder svg = new StringBuilder("<svg id=\"traffic-chart\" role=\"img\" aria-label=\"Events per minute per provider, last hour\""
        + " width=\"" + (WIDTH + 160) + "\" height=\"" + HEIGHT + "\" viewBox=\"0 0 " + (WIDTH + 160) + " " + HEIGHT
        + "\" style=\"background:#fff;border:1px solid #dde1e8\">");
    int plotHeight = HEIGHT - TOP - BOTTOM;
    int plotWidth = WIDTH - LEFT - 10;
    svg.append(line(LEFT, TOP, LEFT, TOP + plotHeight)).append(line(LEFT, TOP + plotHeight, LEFT + plotWidth, TOP + plotHeight));
    svg.append(text(LEFT - 6, TOP + 10, "end", Long.toString(max))).append(text(LEFT - 6, TOP + plotHeight, "end", "0"));
    svg.append(text(LEFT, HEIGHT - 6, "start", "60 min ago")).append(text(LEFT + plotWidth, HEIGHT - 6, "end", "now"));
    int colour = 0;
    for (Map.Entry<String, long[]> provider : perProvider.entrySet()) {
      long[] counts = provider.getValue();
      String stroke = COLOURS.get(colour % COLOURS.size());
      StringBuilder points = new StringBuilder();
      for (int i = 0; i < counts.length; i++) {
        double x = LEFT + plotWidth * (i / (double) Math.max(1, counts.length - 1));
        double y = TOP + plotHeight - plotHeight * (counts[i] / (double) max);
        points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(stroke).append("\" points=\"")
          .append(points.toString().strip()).append("\"><title>").append(Html.esc(provider.getKey())).append("</title></polyline>");
      int legendY = TOP + 14 + colour * 18;
      svg.append("<rect x=\"").append(WIDTH + 10).append("\" y=\"").append(legendY - 9).append("\" width=\"12\" height=\"4\" fill=\"")
          .append(stroke).append("\"/>").append(text(WIDTH + 28, legendY - 4, "start", provider.getKey() + " (" + sum(counts) + ")"));
      colour++;
    }
    return svg.append("</svg>").toString();
  }

  private static long sum(long[] counts) {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    return total;
  }

  private static String line(int x1, int y1, int x2, int y2) {
    return "<line x1=\"" + x1 + "\" y1=\"" + y1 + "\" x2=\"" + x2 + "\" y2=\"" + y2 + "\" stroke=\"#98a2b3\"/>";
  }

  private static String text(int x, int y, String anchor, String content) {
    return "<text x=\"" + x + "\" y=\"" + y + "\" font-size=\"11\" fill=\"#475467\" text-anchor=\"" + anchor + "\">"
        + Html.esc(content) + "</text>";
  }
}

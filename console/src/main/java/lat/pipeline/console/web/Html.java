package lat.pipeline.console.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The console's pages are plain server-rendered HTML: this escapes text, and lays a page out. No
 * script or style comes from elsewhere (the console runs where there is no network).
 */
public final class Html {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private static final String STYLE = """
      body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
      header{background:#1d2330;color:#fff;padding:10px 24px;display:flex;gap:24px;align-items:center}
      header a{color:#cfe0ff;text-decoration:none;font-weight:600}header b{font-size:16px}
      header form{margin-left:auto}header input{width:320px}
      main{padding:16px 24px;max-width:1400px}
      h1{font-size:20px;margin:8px 0 12px}h2{font-size:16px;margin:20px 0 8px}
      table{border-collapse:collapse;background:#fff;width:100%;margin-bottom:12px}
      th,td{border:1px solid #dde1e8;padding:4px 8px;text-align:left;vertical-align:top}
      th{background:#eef1f6;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
      pre{background:#fff;border:1px solid #dde1e8;padding:8px;overflow:auto;max-height:420px;margin:4px 0;white-space:pre-wrap;word-break:break-word}
      .grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}
      .card{background:#fff;border:1px solid #dde1e8;padding:8px 12px;margin-bottom:10px}
      .label{font-weight:600;margin-bottom:4px}.muted{color:#667085}
      .ok{color:#067647}.bad{color:#b42318;font-weight:600}.warn{color:#b54708}
      .notice{padding:8px 12px;border-left:4px solid #2e6be6;background:#eaf1ff;margin:8px 0}
      .error{padding:8px 12px;border-left:4px solid #b42318;background:#fdecea;margin:8px 0}
      button,.button{background:#2e6be6;color:#fff;border:0;padding:6px 14px;border-radius:4px;cursor:pointer;text-decoration:none;display:inline-block}
      button.danger{background:#b42318}input,select{padding:4px 6px}
      form.filters{display:flex;gap:8px;align-items:end;flex-wrap:wrap;margin-bottom:8px}
      form.filters label{display:flex;flex-direction:column;font-size:12px;color:#475467}
      """;

  private Html() {}

  /** Text made safe for an element's content or a quoted attribute. */
  public static String esc(Object value) {
    if (value == null) {
      return "";
    }
    String text = value.toString();
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  public static String url(String text) {
    return URLEncoder.encode(text == null ? "" : text, StandardCharsets.UTF_8);
  }

  public static String time(Instant instant) {
    return instant == null ? "never" : TIME.format(instant);
  }

  /** "3 min ago", for how long since the last event. */
  public static String ago(Instant instant, Instant now) {
    if (instant == null) {
      return "never";
    }
    Duration since = Duration.between(instant, now);
    if (since.toSeconds() < 60) {
      return Math.max(0, since.toSeconds()) + " s ago";
    }
    if (since.toMinutes() < 120) {
      return since.toMinutes() + " min ago";
    }
    return since.toHours() + " h ago";
  }

  /** "850 ms", "42 s", "12 min", "3.5 h": a gap between events. */
  public static String duration(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1_000) {
      return millis + " ms";
    }
    if (millis < 120_000) {
      return millis / 1_000 + " s";
    }
    if (millis < 7_200_000) {
      return millis / 60_000 + " min";
    }
    return String.format(java.util.Locale.ROOT, "%.1f h", millis / 3_600_000.0);
  }

  /** A whole page: the navigation (with the search box) over the content. */
  public static String page(String title, String content) {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title)
        + " · pipeline console</title><style>" + STYLE + "</style></head><body><header><b>pipeline console</b>"
        + "<a href=\"/\">Overview</a><a href=\"/dead-letters\">Dead letters</a><a href=\"/replay\">Replay</a>"
        + "<form action=\"/search\" method=\"get\"><input name=\"q\" id=\"search\" placeholder=\"receive id, tenant or entity key\">"
        + " <button type=\"submit\">Search</button></form></header><main>" + content + "</main></body></html>";
  }

  /** A page for someone not signed in: no navigation, nothing of the pipeline. */
  public static String bare(String title, String content) {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title)
        + " · pipeline console</title><style>" + STYLE + "</style></head><body><header><b>pipeline console</b></header><main>"
        + content + "</main></body></html>";
  }
}

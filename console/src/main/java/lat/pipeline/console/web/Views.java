package lat.pipeline.console.web;

import static lat.pipeline.console.web.Html.esc;
import static lat.pipeline.console.web.Html.url;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import lat.pipeline.console.data.DeadLetters;
import lat.pipeline.console.data.Operations;
import lat.pipeline.console.data.Pages;
import lat.pipeline.console.data.Search;
import lat.pipeline.console.data.ServiceMetrics;
import lat.pipeline.console.data.TenantSilence;
import lat.pipeline.console.data.TrafficMonitor;
import lat.pipeline.normalizer.replay.Redrive;
import lat.pipeline.tools.RecordJson;
import lat.pipeline.tools.trace.Trace;

/** The console's pages, rendered from what the data classes found. */
final class Views {

  private Views() {}

  static String login(String message) {
    return Html.bare("Sign in", "<h1>Sign in</h1>"
        + (message == null ? "" : "<p class=\"error\" id=\"login-error\">" + esc(message) + "</p>")
        + "<form method=\"post\" action=\"/login\"><label>Operator token <input type=\"password\" name=\"token\" id=\"token\""
        + " autocomplete=\"current-password\" autofocus></label> <button type=\"submit\" id=\"sign-in\">Sign in</button></form>"
        + "<p class=\"muted\">The operator token is CONSOLE_OPERATOR_TOKEN (or the file CONSOLE_OPERATOR_TOKEN_FILE names);"
        + " ./pipeline dev prints its demo token.</p>");
  }

  static String error(String title, String message) {
    return Html.page(title, "<h1>" + esc(title) + "</h1><p class=\"error\">" + esc(message) + "</p>");
  }

  static String overview(TrafficMonitor traffic, List<ServiceMetrics.Scrape> receivers, List<ServiceMetrics.Scrape> fetchers, Instant now) {
    StringBuilder html = new StringBuilder("<h1>Overview</h1>");
    if (traffic.problem() != null) {
      html.append("<p class=\"error\">Traffic: ").append(esc(traffic.problem())).append("</p>");
    }
    List<TenantSilence.Row> silence = TenantSilence.of(receivers);
    List<TenantSilence.Row> silent = silence.stream().filter(TenantSilence.Row::silent).toList();
    if (!silent.isEmpty()) {
      html.append("<p class=\"error\" id=\"silent-tenants\">Silent for much longer than usual: ")
          .append(esc(String.join(", ", silent.stream().map(row -> row.provider() + "/" + row.tenant()).toList())))
          .append(". Check their subscriptions at the provider.</p>");
    }
    html.append("<h2>Events per minute, last hour</h2>").append(TrafficChart.svg(traffic.perProvider()));
    html.append("<h2>Per provider and tenant (last ").append(TrafficMonitor.MINUTES).append(" min)</h2>")
        .append("<table id=\"traffic\"><tr><th>provider</th><th>tenant</th><th>events this minute</th><th>events last hour</th>"
            + "<th>per minute</th><th>last event received</th><th>dead letters last hour</th></tr>");
    List<TrafficMonitor.Row> rows = traffic.rows();
    if (rows.isEmpty()) {
      html.append("<tr><td colspan=\"7\" class=\"muted\">No event in the last hour.</td></tr>");
    }
    for (TrafficMonitor.Row row : rows) {
      html.append("<tr data-provider=\"").append(esc(row.provider())).append("\" data-tenant=\"").append(esc(row.tenant()))
          .append("\"><td>").append(esc(row.provider())).append("</td><td><a href=\"/search?q=").append(url(row.tenant())).append("\">")
          .append(esc(row.tenant())).append("</a></td><td class=\"n\">").append(row.thisMinute()).append("</td><td class=\"n last-hour\">")
          .append(row.lastHour()).append("</td><td class=\"n\">").append(String.format(java.util.Locale.ROOT, "%.2f", row.perMinute())).append("</td><td>").append(Html.time(row.lastEvent()))
          .append(" <span class=\"muted\">(").append(Html.ago(row.lastEvent(), now)).append(")</span></td><td class=\"n\">")
          .append(row.deadLetters() == 0 ? "0" : "<a class=\"bad\" href=\"/dead-letters?provider=" + url(row.provider()) + "&tenant="
              + url(row.tenant()) + "\">" + row.deadLetters() + "</a>")
          .append("</td></tr>");
    }
    html.append("</table>");
    html.append(silenceTable(silence, now));
    html.append("<h2>Receivers</h2><table id=\"receivers\"><tr><th>metrics endpoint</th><th>spool depth (records)</th>"
        + "<th>oldest spooled (s)</th><th>quarantined</th><th>spool writable</th></tr>");
    for (ServiceMetrics.Scrape receiver : receivers) {
      html.append("<tr><td>").append(esc(receiver.uri())).append("</td>");
      if (receiver.error() != null) {
        html.append("<td colspan=\"4\" class=\"bad\">").append(esc(receiver.error())).append("</td></tr>");
        continue;
      }
      double depth = receiver.sum("receiver_spool_records");
      html.append("<td class=\"n ").append(depth > 0 ? "warn" : "").append("\">").append((long) depth).append("</td><td class=\"n\">")
          .append((long) receiver.max("receiver_spool_oldest_age_seconds")).append("</td><td class=\"n\">")
          .append((long) receiver.sum("receiver_quarantined_records")).append("</td><td>")
          .append(receiver.named("receiver_spool_writable").stream().allMatch(s -> s.value() == 1) ? "<span class=\"ok\">yes</span>"
              : "<span class=\"bad\">no</span>").append("</td></tr>");
    }
    html.append("</table><h2>Bsale fetchers</h2><table id=\"fetchers\"><tr><th>metrics endpoint</th><th>parked companies (cpnId: notifications waiting)</th></tr>");
    for (ServiceMetrics.Scrape fetcher : fetchers) {
      html.append("<tr><td>").append(esc(fetcher.uri())).append("</td><td>");
      if (fetcher.error() != null) {
        html.append("<span class=\"bad\">").append(esc(fetcher.error())).append("</span>");
      } else {
        List<String> parked = fetcher.named("bsale_fetcher_parked_waiting").stream().filter(s -> s.value() > 0)
            .map(s -> s.labels().get("company") + ": " + (long) s.value()).toList();
        html.append(parked.isEmpty() ? "<span class=\"ok\">none</span>" : "<span class=\"bad\">" + esc(String.join(", ", parked)) + "</span>");
      }
      html.append("</td></tr>");
    }
    return Html.page("Overview", html.append("</table>").toString());
  }

  /** Every tenant the receivers heard from since they started, silent ones first. */
  private static String silenceTable(List<TenantSilence.Row> rows, Instant now) {
    StringBuilder html = new StringBuilder("<h2>Silence watchdog (the receivers')</h2><table id=\"silence\"><tr><th>provider</th>"
        + "<th>tenant</th><th>state</th><th>last event</th><th>usual gap</th></tr>");
    if (rows.isEmpty()) {
      html.append("<tr><td colspan=\"5\" class=\"muted\">No tenant heard from since the receivers started.</td></tr>");
    }
    for (TenantSilence.Row row : rows) {
      html.append("<tr data-provider=\"").append(esc(row.provider())).append("\" data-tenant=\"").append(esc(row.tenant()))
          .append("\"").append(row.silent() ? " class=\"silent\"" : "").append("><td>").append(esc(row.provider())).append("</td><td>")
          .append(esc(row.tenant())).append("</td><td class=\"state\">")
          .append(row.silent() ? "<span class=\"bad\">silent</span>" : row.usualGap() == null ? "<span class=\"muted\">learning</span>"
              : "<span class=\"ok\">ok</span>")
          .append("</td><td class=\"last-event\">").append(Html.time(row.lastEvent())).append(" <span class=\"muted\">(")
          .append(Html.ago(row.lastEvent(), now)).append(")</span></td><td class=\"usual-gap\">")
          .append(row.usualGap() == null ? "<span class=\"muted\">not known yet</span>" : esc(Html.duration(row.usualGap())))
          .append("</td></tr>");
    }
    return html.append("</table>").toString();
  }

  static String search(String query, String since, Pages.Page<Search.Hit> page, String after) {
    StringBuilder html = new StringBuilder("<h1>Search: ").append(esc(query)).append("</h1>")
        .append("<form class=\"filters\" method=\"get\" action=\"/search\"><label>receive id, tenant or entity key<input name=\"q\" value=\"")
        .append(esc(query)).append("\"></label><label>received in the last<input name=\"since\" value=\"").append(esc(since))
        .append("\" size=\"5\"></label><button type=\"submit\">Search</button></form>");
    html.append("<table id=\"hits\"><tr><th>time</th><th>record</th><th>key</th><th>receive id</th><th>value</th></tr>");
    if (page.rows().isEmpty()) {
      html.append("<tr><td colspan=\"5\" class=\"muted\">Nothing found in that window.</td></tr>");
    }
    for (Search.Hit hit : page.rows()) {
      html.append("<tr><td>").append(Html.time(hit.time())).append("</td><td>").append(esc(hit.topic() + "/" + hit.partition() + "/" + hit.offset()))
          .append("</td><td>").append(esc(hit.key())).append("</td><td>")
          .append(hit.receiveId() == null ? "" : "<a href=\"/trail/" + url(hit.receiveId()) + "\">" + esc(hit.receiveId()) + "</a>")
          .append("</td><td><pre>").append(esc(value(hit.json()))).append("</pre></td></tr>");
    }
    html.append("</table>");
    if (page.next() != null) {
      html.append("<a class=\"button\" id=\"next-page\" href=\"/search?q=").append(url(query)).append("&since=").append(url(since))
          .append("&after=").append(url(page.next())).append("\">Next page</a>");
    }
    return Html.page("Search", html.toString());
  }

  /** The trail as {@code ./pipeline trace} finds it: raw side, fetches and dead letters left, decoded canonical records right. */
  static String trail(Trace.Result trail) {
    StringBuilder html = new StringBuilder("<h1>Trail of <span id=\"trail-id\">").append(esc(trail.id())).append("</span></h1>");
    html.append(trail.found() ? "<div class=\"notice\">" : "<div class=\"error\" id=\"not-found\">")
        .append(esc(trail.heading())).append("<br>").append(esc(trail.summary())).append("</div>");
    if (trail.found()) {
      html.append("<div class=\"grid\"><section id=\"trail-raw\"><h2>Raw body, fetches and dead letters</h2>");
      trail.steps().stream().filter(step -> step.kind() != Trace.Kind.CANONICAL).forEach(step -> html.append(card(step)));
      html.append("</section><section id=\"trail-canonical\"><h2>Canonical records (decoded)</h2>");
      List<Trace.Step> canonical = trail.records(Trace.Kind.CANONICAL);
      if (canonical.isEmpty()) {
        html.append("<p class=\"muted\">None yet.</p>");
      }
      canonical.forEach(step -> html.append(card(step)));
      html.append("</section></div>");
    }
    html.append("<details id=\"trail-scanned\"><summary>what was read</summary><pre>")
        .append(esc(String.join("\n", trail.scanned()))).append("</pre></details>");
    trail.problems().forEach(problem -> html.append("<p class=\"error\">").append(esc(problem)).append("</p>"));
    return Html.page("Trail", html.toString());
  }

  private static String card(Trace.Step step) {
    StringBuilder html = new StringBuilder("<div class=\"card\"><div class=\"label\">").append(esc(step.label())).append("</div>");
    JsonNode record = step.record();
    if (record != null) {
      html.append("<div class=\"muted\">").append(esc(record.path("timestamp").asText())).append(" · key ")
          .append(esc(record.path("key").asText())).append("</div><details><summary>headers</summary><pre>")
          .append(esc(pretty(record.path("headers")))).append("</pre></details><pre>").append(esc(value(record))).append("</pre>");
    }
    return html.append("</div>").toString();
  }

  static String deadLetters(DeadLetters.Filter filter, Pages.Page<DeadLetters.Row> page) {
    StringBuilder html = new StringBuilder("<h1>Dead letters</h1><p class=\"muted\">dlq.normalizer from where ./pipeline redrive"
        + " last stopped, without those re-driven here; oldest first.</p>");
    html.append("<form class=\"filters\" method=\"get\" action=\"/dead-letters\">")
        .append(field("provider", filter.provider())).append(field("tenant", filter.tenant()))
        .append(field("step", filter.step())).append(field("reason", filter.reason()))
        .append("<button type=\"submit\" id=\"filter\">Filter</button></form>");
    html.append("<form method=\"get\" action=\"/dead-letters/confirm\" id=\"selection\"><table id=\"dead-letters\"><tr><th></th>"
        + "<th>failed at</th><th>provider</th><th>tenant</th><th>step</th><th>reason</th><th>source</th><th></th></tr>");
    if (page.rows().isEmpty()) {
      html.append("<tr><td colspan=\"8\" class=\"muted\">No dead letter to deal with.</td></tr>");
    }
    for (DeadLetters.Row row : page.rows()) {
      String place = row.partition() + "/" + row.offset();
      html.append("<tr class=\"dead-letter\" data-place=\"").append(place).append("\"><td><input type=\"checkbox\" name=\"sel\" value=\"")
          .append(place).append("\"></td><td>").append(Html.time(row.time())).append("</td><td>").append(esc(row.provider()))
          .append("</td><td>").append(esc(row.tenant())).append("</td><td>").append(esc(row.step())).append("</td><td>")
          .append(esc(shorten(row.reason()))).append("</td><td>").append(esc(row.source())).append("</td><td><a href=\"/dead-letters/")
          .append(place).append("\">open</a></td></tr>");
    }
    html.append("</table><button type=\"submit\" id=\"redrive-selected\">Re-drive selected …</button></form>");
    if (page.next() != null) {
      html.append("<p><a class=\"button\" id=\"next-page\" href=\"/dead-letters?provider=").append(url(filter.provider()))
          .append("&tenant=").append(url(filter.tenant())).append("&step=").append(url(filter.step())).append("&reason=")
          .append(url(filter.reason())).append("&after=").append(url(page.next())).append("\">Next page</a></p>");
    }
    return Html.page("Dead letters", html.toString());
  }

  static String deadLetter(Redrive.Selected place, JsonNode record, String resolvedOutcome) {
    StringBuilder html = new StringBuilder("<h1>Dead letter dlq.normalizer/").append(place.partition()).append("/").append(place.offset())
        .append("</h1>");
    JsonNode deadLetter = record.path("deadLetter");
    html.append("<table id=\"dead-letter\"><tr><th>step</th><td>").append(esc(deadLetter.path("step").asText()))
        .append("</td></tr><tr><th>reason</th><td id=\"reason\">").append(esc(deadLetter.path("reason").asText()))
        .append("</td></tr><tr><th>source</th><td>").append(esc(deadLetter.path("source").asText()))
        .append("</td></tr><tr><th>failed at</th><td>").append(esc(deadLetter.path("failedAt").asText()))
        .append("</td></tr><tr><th>tenant (key)</th><td>").append(esc(record.path("key").asText())).append("</td></tr>");
    String receiveId = record.path("headers").path("ce_id").asText(null);
    if (receiveId != null) {
      html.append("<tr><th>receive id</th><td><a href=\"/trail/").append(url(receiveId)).append("\">").append(esc(receiveId)).append("</a></td></tr>");
    }
    html.append("</table>");
    if (resolvedOutcome != null) {
      html.append("<p class=\"notice\">Re-driven from here: ").append(esc(resolvedOutcome)).append("</p>");
    } else {
      html.append("<p><a class=\"button\" id=\"redrive\" href=\"/dead-letters/confirm?sel=").append(place.partition()).append("/")
          .append(place.offset()).append("\">Re-drive …</a></p>");
    }
    html.append("<div class=\"grid\"><section><h2>Body as received</h2><pre id=\"body\">").append(esc(value(record)))
        .append("</pre></section><section><h2>Headers</h2><pre>").append(esc(pretty(record.path("headers")))).append("</pre></section></div>");
    return Html.page("Dead letter", html.toString());
  }

  static String confirmRedrive(List<DeadLetters.Row> rows, List<Redrive.Selected> missing, String formToken) {
    StringBuilder html = new StringBuilder("<h1>Re-drive ").append(rows.size()).append(" dead letter(s)?</h1>")
        .append("<p>Each goes back through the normalizer's path (mappers, dedupe, order guard) from the latest canonical state of its"
            + " entity, as ./pipeline redrive does; one that still fails is dead-lettered again with its new reason.</p>");
    if (!missing.isEmpty()) {
      html.append("<p class=\"error\">Not found (gone by retention?): ").append(esc(missing.stream().map(p -> p.partition() + "/" + p.offset()).toList()))
          .append("</p>");
    }
    html.append("<form method=\"post\" action=\"/dead-letters/redrive\"><input type=\"hidden\" name=\"csrf\" value=\"").append(esc(formToken))
        .append("\"><table><tr><th>place</th><th>tenant</th><th>step</th><th>reason</th></tr>");
    for (DeadLetters.Row row : rows) {
      html.append("<tr><td>").append(row.partition()).append("/").append(row.offset()).append("<input type=\"hidden\" name=\"sel\" value=\"")
          .append(row.partition()).append("/").append(row.offset()).append("\"></td><td>").append(esc(row.tenant())).append("</td><td>")
          .append(esc(row.step())).append("</td><td>").append(esc(shorten(row.reason()))).append("</td></tr>");
    }
    html.append("</table>");
    if (!rows.isEmpty()) {
      html.append("<button type=\"submit\" class=\"danger\" id=\"confirm-redrive\">Re-drive ").append(rows.size()).append(" dead letter(s)</button> ");
    }
    return Html.page("Confirm re-drive", html.append("<a href=\"/dead-letters\">Cancel</a></form>").toString());
  }

  static String redriveOutcome(List<Operations.Outcome> outcomes, Map<Redrive.Selected, String> receiveIds) {
    StringBuilder html = new StringBuilder("<h1>Re-drive done</h1><table id=\"outcomes\"><tr><th>dead letter</th><th>outcome</th><th>trail</th></tr>");
    for (Operations.Outcome outcome : outcomes) {
      String receiveId = receiveIds.get(outcome.place());
      html.append("<tr><td><a href=\"/dead-letters/").append(outcome.place().partition()).append("/").append(outcome.place().offset())
          .append("\">dlq.normalizer/").append(outcome.place().partition()).append("/").append(outcome.place().offset())
          .append("</a></td><td class=\"outcome\">")
          .append(esc(outcome.text())).append("</td><td>")
          .append(receiveId == null ? "" : "<a href=\"/trail/" + url(receiveId) + "\">" + esc(receiveId) + "</a>").append("</td></tr>");
    }
    return Html.page("Re-drive done", html.append("</table><p><a href=\"/dead-letters\" id=\"back\">Back to the dead letters</a></p>").toString());
  }

  static String replay(List<String> providers, List<Operations.ReplayJob> jobs, String formToken, Instant now) {
    StringBuilder html = new StringBuilder("<h1>Replay a window</h1><p>Re-normalizes the provider's raw events received in the window"
        + " (Bsale from raw.bsale.resources: no call to Bsale), as ./pipeline replay does: only what differs from the entities'"
        + " latest canonical state is written.</p>");
    html.append("<form class=\"filters\" method=\"post\" action=\"/replay\"><input type=\"hidden\" name=\"csrf\" value=\"").append(esc(formToken))
        .append("\"><label>provider<select name=\"provider\" id=\"replay-provider\">");
    providers.forEach(p -> html.append("<option>").append(esc(p)).append("</option>"));
    html.append("</select></label>").append(field("tenant", ""))
        .append("<label>from (RFC 3339 or earliest)<input name=\"from\" id=\"replay-from\" value=\"").append(now.minusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.MINUTES))
        .append("\"></label><label>to (empty: now)<input name=\"to\" id=\"replay-to\"></label>")
        .append("<button type=\"submit\" id=\"start-replay\">Replay …</button></form>");
    html.append("<h2>Replays</h2><table id=\"replays\"><tr><th>#</th><th>window</th><th>started</th><th>state</th><th>summary</th></tr>");
    for (Operations.ReplayJob job : jobs) {
      html.append("<tr><td><a href=\"/replay/").append(job.id()).append("\">").append(job.id()).append("</a></td><td>")
          .append(esc(window(job))).append("</td><td>").append(Html.time(job.started())).append("</td><td>").append(state(job))
          .append("</td><td>").append(job.summary() == null ? "" : esc(job.summary())).append("</td></tr>");
    }
    return Html.page("Replay", html.append("</table>").toString());
  }

  static String replayJob(Operations.ReplayJob job) {
    StringBuilder html = new StringBuilder("<h1>Replay #").append(job.id()).append("</h1><table><tr><th>window</th><td>").append(esc(window(job)))
        .append("</td></tr><tr><th>started</th><td>").append(Html.time(job.started())).append("</td></tr><tr><th>state</th><td id=\"replay-state\">")
        .append(state(job)).append("</td></tr>");
    if (job.summary() != null) {
      html.append("<tr><th>summary</th><td id=\"replay-summary\">").append(esc(job.summary())).append("</td></tr>");
    }
    html.append("</table><h2>Progress</h2><pre id=\"replay-progress\">").append(esc(String.join("\n", job.progress()))).append("</pre>");
    String page = Html.page("Replay #" + job.id(), html.toString());
    // While it runs the page reloads itself every second.
    return job.running() ? page.replace("<head>", "<head><meta http-equiv=\"refresh\" content=\"1\">") : page;
  }

  private static String window(Operations.ReplayJob job) {
    return job.window().provider() + ", " + (job.window().tenant() == null ? "every tenant" : "tenant " + job.window().tenant())
        + ", " + job.window().from() + " to " + (job.window().to() == null ? "the end at start" : job.window().to());
  }

  private static String state(Operations.ReplayJob job) {
    if (job.running()) {
      return "<span class=\"warn\">running</span>";
    }
    return job.error() == null ? "<span class=\"ok\">done</span> " + Html.time(job.finished())
        : "<span class=\"bad\">failed: " + esc(job.error()) + "</span>";
  }

  private static String field(String name, String value) {
    return "<label>" + name + "<input name=\"" + name + "\" id=\"filter-" + name + "\" value=\"" + esc(value) + "\"></label>";
  }

  private static String shorten(String text) {
    return text == null || text.length() <= 240 ? text : text.substring(0, 240) + " …";
  }

  /** A record's value for reading: decoded canonical JSON, or the body, pretty when it is JSON. */
  private static String value(JsonNode record) {
    JsonNode value = record.path("value");
    if (value.isTextual() && "text".equals(record.path("valueEncoding").asText())) {
      try {
        return pretty(RecordJson.JSON.readTree(value.asText()));
      } catch (IOException notJson) {
        return value.asText();
      }
    }
    return value.isTextual() ? value.asText() : pretty(value);
  }

  private static String pretty(JsonNode json) {
    try {
      return RecordJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
    } catch (JsonProcessingException e) {
      return json.toString();
    }
  }
}

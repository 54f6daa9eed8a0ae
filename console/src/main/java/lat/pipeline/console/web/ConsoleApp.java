package lat.pipeline.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lat.pipeline.console.ConsoleConfig;
import lat.pipeline.console.data.DeadLetters;
import lat.pipeline.console.data.Operations;
import lat.pipeline.console.data.Search;
import lat.pipeline.console.data.ServiceMetrics;
import lat.pipeline.console.data.TrafficMonitor;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.normalizer.providers.ProviderMappers;
import lat.pipeline.normalizer.replay.Redrive;
import lat.pipeline.tools.CommandLine;
import lat.pipeline.tools.RecordJson;
import lat.pipeline.tools.Times;
import lat.pipeline.tools.trace.Trace;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the console's Javalin app is made: sign-in, routes and error pages. Every
 * page but sign-in and health needs a session (or {@code Authorization: Bearer <operator token>});
 * every form that acts (re-drive, replay) is a POST that carries the session's form token. Reading
 * pages change nothing.
 */
public final class ConsoleApp {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleApp.class);
  private static final String SESSION = "session";

  /** What the pages read from and act through. */
  public record Parts(ConsoleConfig config, OperatorAuth auth, TrafficMonitor traffic, ServiceMetrics metrics,
                      DeadLetters deadLetters, Search search, Operations operations, RecordJson json, Clock clock) {}

  private ConsoleApp() {}

  public static Javalin create(Parts parts) {
    Javalin app = Javalin.create(javalin -> {
      javalin.showJavalinBanner = false;
      javalin.jetty.modifyHttpConfiguration(http -> http.setSendServerVersion(false));
    });
    OperatorAuth auth = parts.auth();
    app.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
    app.get("/health/ready", ctx -> ctx.json(Map.of("status", "UP")));
    app.get("/login", ctx -> ctx.html(Views.login(null)));
    app.post("/login", ctx -> signIn(ctx, auth));
    app.before(ctx -> {
      if (ctx.path().equals("/login") || ctx.path().startsWith("/health/")) {
        return;
      }
      Optional<OperatorAuth.Session> session = auth.session(ctx.cookie(OperatorAuth.COOKIE));
      String bearer = ctx.header("Authorization");
      boolean byToken = bearer != null && bearer.startsWith("Bearer ") && auth.isOperatorToken(bearer.substring(7));
      if (session.isEmpty() && !byToken) {
        if (ctx.method().name().equals("GET") && bearer == null) {
          ctx.redirect("/login");
        } else {
          ctx.status(HttpStatus.UNAUTHORIZED).html(Views.login("Sign in first."));
        }
        ctx.skipRemainingHandlers();
        return;
      }
      session.ifPresent(s -> ctx.attribute(SESSION, s));
      if (ctx.method().name().equals("POST") && !byToken && !session.get().formToken().equals(ctx.formParam("csrf"))) {
        ctx.status(HttpStatus.FORBIDDEN).html(Views.error("Refused", "This form is stale or did not come from the console; open the page again."));
        ctx.skipRemainingHandlers();
      }
    });

    app.get("/", ctx -> ctx.html(Views.overview(parts.traffic(), parts.metrics().scrape(parts.config().receiverMetrics()),
        parts.metrics().scrape(parts.config().fetcherMetrics()), parts.clock().instant())));
    app.get("/search", ctx -> search(ctx, parts));
    app.get("/trail/{id}", ctx -> {
      Trace.Options options;
      try {
        options = Trace.Options.parse(new String[] {ctx.pathParam("id")});
      } catch (CommandLine.UsageException e) {
        throw new IllegalArgumentException(e.getMessage());
      }
      ctx.html(Views.trail(new Trace(options).find(parts.config().kafka(), parts.json())));
    });
    app.get("/dead-letters", ctx -> {
      DeadLetters.Filter filter = new DeadLetters.Filter(ctx.queryParam("provider"), ctx.queryParam("tenant"),
          ctx.queryParam("step"), ctx.queryParam("reason"));
      ctx.html(Views.deadLetters(filter, parts.deadLetters().page(filter, ctx.queryParam("after"))));
    });
    app.get("/dead-letters/confirm", ctx -> {
      List<DeadLetters.Row> rows = new ArrayList<>();
      List<Redrive.Selected> missing = new ArrayList<>();
      for (Redrive.Selected place : places(ctx.queryParams("sel"))) {
        parts.deadLetters().one(place).ifPresentOrElse(record -> rows.add(DeadLetters.row(record)), () -> missing.add(place));
      }
      if (rows.isEmpty() && missing.isEmpty()) {
        throw new IllegalArgumentException("Choose at least one dead letter to re-drive.");
      }
      ctx.html(Views.confirmRedrive(rows, missing, formToken(ctx)));
    });
    app.post("/dead-letters/redrive", ctx -> {
      List<Redrive.Selected> places = places(ctx.formParams("sel"));
      if (places.isEmpty()) {
        throw new IllegalArgumentException("Choose at least one dead letter to re-drive.");
      }
      Map<Redrive.Selected, String> receiveIds = new HashMap<>();
      places.forEach(place -> parts.deadLetters().one(place)
          .map(record -> lat.pipeline.schemas.RawRecords.idOf(record.headers()))
          .ifPresent(id -> receiveIds.put(place, id)));
      ctx.html(Views.redriveOutcome(parts.operations().redrive(places), receiveIds));
    });
    app.get("/dead-letters/{partition}/{offset}", ctx -> {
      Redrive.Selected place = place(ctx.pathParam("partition") + "/" + ctx.pathParam("offset"));
      var record = parts.deadLetters().one(place);
      if (record.isEmpty()) {
        ctx.status(HttpStatus.NOT_FOUND).html(Views.error("Not found", "No dead letter at " + place.partition() + "/" + place.offset()
            + " in dlq.normalizer (never written, or gone by retention)."));
        return;
      }
      ctx.html(Views.deadLetter(place, parts.json().render(record.get()), parts.deadLetters().resolvedOutcome(place).orElse(null)));
    });
    app.get("/replay", ctx -> ctx.html(Views.replay(providers(), parts.operations().jobs(), formToken(ctx), parts.clock().instant())));
    app.post("/replay", ctx -> {
      String provider = ctx.formParam("provider");
      String tenant = ctx.formParam("tenant");
      Instant from = time(ctx.formParam("from"), "from").orElse(Instant.EPOCH);
      Instant to = ctx.formParam("to") == null || ctx.formParam("to").isBlank() ? null : time(ctx.formParam("to"), "to").orElse(null);
      Operations.ReplayJob job = parts.operations().replay(provider, tenant == null || tenant.isBlank() ? null : tenant.strip(), from, to);
      ctx.redirect("/replay/" + job.id(), HttpStatus.SEE_OTHER);
    });
    app.get("/replay/{id}", ctx -> {
      int id;
      try {
        id = Integer.parseInt(ctx.pathParam("id"));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a replay number: " + ctx.pathParam("id"));
      }
      Optional<Operations.ReplayJob> job = parts.operations().job(id);
      if (job.isEmpty()) {
        ctx.status(HttpStatus.NOT_FOUND).html(Views.error("Not found", "No replay #" + id + " (only the last few are kept)."));
        return;
      }
      ctx.html(Views.replayJob(job.get()));
    });

    app.exception(IllegalArgumentException.class, (e, ctx) -> ctx.status(HttpStatus.BAD_REQUEST).html(Views.error("Cannot do that", e.getMessage())));
    app.exception(KafkaException.class, (e, ctx) -> {
      LOG.warn("Kafka on {} {}: {}", ctx.method(), ctx.path(), e.toString());
      ctx.status(HttpStatus.SERVICE_UNAVAILABLE).html(Views.error("Kafka did not answer", e.getClass().getSimpleName() + ": " + e.getMessage()));
    });
    app.exception(Exception.class, (e, ctx) -> {
      LOG.error("Unexpected error on {} {}", ctx.method(), ctx.path(), e);
      ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).html(Views.error("Something went wrong", e.getClass().getSimpleName() + ": " + e.getMessage()));
    });
    return app;
  }

  /** The wrong token is answered 401 and never logged, nor shown back. */
  private static void signIn(Context ctx, OperatorAuth auth) {
    if (!auth.isOperatorToken(ctx.formParam("token"))) {
      ctx.status(HttpStatus.UNAUTHORIZED).html(Views.login("Wrong operator token."));
      return;
    }
    OperatorAuth.Session session = auth.open();
    ctx.header("Set-Cookie", OperatorAuth.COOKIE + "=" + session.id() + "; Path=/; Max-Age="
        + Duration.between(Instant.now(), session.expires()).toSeconds() + "; HttpOnly; SameSite=Strict");
    ctx.redirect("/", HttpStatus.SEE_OTHER);
  }

  /** The session's form token; a caller by bearer token has no session, and needs none to send forms. */
  private static String formToken(Context ctx) {
    OperatorAuth.Session session = ctx.attribute(SESSION);
    return session == null ? "" : session.formToken();
  }

  private static void search(Context ctx, Parts parts) {
    String q = Optional.ofNullable(ctx.queryParam("q")).orElse("").strip();
    if (q.isEmpty()) {
      throw new IllegalArgumentException("Type a receive id, a tenant or an entity key (provider:tenant:id) to search for.");
    }
    Search.Query query = Search.Query.of(q);
    if (query instanceof Search.Query.ReceiveId id) {
      ctx.redirect("/trail/" + id.id());
      return;
    }
    String since = Optional.ofNullable(ctx.queryParam("since")).filter(s -> !s.isBlank()).orElse("24h");
    Duration window;
    try {
      window = Times.duration(since);
    } catch (CommandLine.UsageException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    ctx.html(Views.search(q, since, parts.search().find(query, parts.clock().instant().minus(window), ctx.queryParam("after")),
        ctx.queryParam("after")));
  }

  private static Optional<Instant> time(String text, String field) {
    try {
      return Times.timeOrEarliest(text == null ? "" : text.strip());
    } catch (CommandLine.UsageException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage());
    }
  }

  private static List<String> providers() {
    return ProviderMappers.all(TenantSettings.none()).stream().map(ProviderMapper::provider).distinct().toList();
  }

  private static List<Redrive.Selected> places(List<String> texts) {
    return texts.stream().map(ConsoleApp::place).distinct().toList();
  }

  private static Redrive.Selected place(String text) {
    String[] parts = text.split("/");
    try {
      if (parts.length == 2) {
        return new Redrive.Selected(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException("not a dead letter's place (partition/offset): " + text);
  }
}

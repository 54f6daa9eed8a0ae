package lat.pipeline.receiver.http;

import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import lat.pipeline.receiver.ReceiverConfig;
import lat.pipeline.receiver.auth.ClientAddress;
import lat.pipeline.receiver.auth.FailedAuthLimiter;
import lat.pipeline.receiver.durability.RawEventPublisher;
import lat.pipeline.receiver.health.Readiness;
import lat.pipeline.receiver.health.ReceiverMetrics;
import lat.pipeline.receiver.health.TrafficWatchdog;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where the receiver's Javalin app is made: config, routes and error mappers. */
public final class WebhookApp {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookApp.class);

  /** How long a stop waits for in-flight requests to be answered before it closes their connections. */
  public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Once a stop begins, a connection idle this long is half-closed, and closed after as long again
   * when the client does not close its end (an idle pooled connection is not read): an idle
   * keep-alive connection holds a stop up for at most twice this.
   */
  private static final Duration SHUTDOWN_IDLE_TIMEOUT = Duration.ofMillis(250);

  /** Javalin's defaults for its Jetty pool. */
  private static final int SERVER_THREADS_MIN = 8;
  private static final int SERVER_THREADS_MAX = 250;

  private WebhookApp() {}

  public static Javalin create(
      ReceiverConfig config,
      RawEventPublisher publisher,
      FailedAuthLimiter failedAuth,
      Readiness readiness,
      ReceiverMetrics metrics) {
    ReceiverConfig.Limits limits = config.limits();
    TrafficWatchdog watchdog = metrics.trafficWatchdog(config.silence(), Clock.systemUTC());
    // Javalin's own pool, made here so that the answers can be written on it (see WebhookHandler).
    QueuedThreadPool serverThreads = new QueuedThreadPool(SERVER_THREADS_MAX, SERVER_THREADS_MIN, 60_000);
    serverThreads.setName("JettyServerThreadPool");
    WebhookHandler webhooks = new WebhookHandler(
        config.credentials(),
        new ClientAddress(limits.trustedProxies()),
        failedAuth,
        limits.obumaMaxClockSkew(),
        publisher,
        metrics,
        watchdog,
        config.maxBodyBytes(),
        config.retryAfterSeconds(),
        serverThreads);
    Javalin app =
        Javalin.create(javalin -> {
          javalin.showJavalinBanner = false;
          javalin.http.maxRequestSize = config.maxBodyBytes();
          // The answers are a few bytes: checking each one for compression only costs time.
          javalin.http.disableCompression();
          javalin.jetty.threadPool = serverThreads;
          javalin.jetty.modifyHttpConfiguration(http -> {
            http.setRequestHeaderSize(limits.maxHeaderBytes());
            http.setMinRequestDataRate(limits.minRequestBytesPerSecond());
            http.setSendServerVersion(false);
            // Else a header value seen before on the connection is matched in any case and handed on
            // in the cached spelling: a token in another case would pass for the right one.
            http.setHeaderCacheCaseSensitive(true);
          });
          javalin.jetty.modifyServer(server -> {
            server.setStopTimeout(STOP_TIMEOUT.toMillis());
            server.addBean(new ConnectionLimit(limits.maxConnections(), server));
            // Javalin adds its connector just before it starts the server.
            server.addEventListener(new LifeCycle.Listener() {
              @Override
              public void lifeCycleStarting(LifeCycle event) {
                for (Connector connector : server.getConnectors()) {
                  limitIdleTime((AbstractConnector) connector, limits.idleTimeout());
                }
              }
            });
          });
        });

    app.before("/webhooks/*", webhooks::rejectMalformedPath);
    app.post("/webhooks/{provider}/{tenant}", webhooks::receive);
    app.post("/webhooks/{provider}/{tenant}/{event}", webhooks::receive);
    app.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
    app.get("/health/ready", ctx -> {
      boolean ready = readiness.isReady();
      ctx.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(Map.of(
          "status", ready ? "UP" : "DOWN",
          "kafka", readiness.brokerRefuses() ? "refused" : readiness.brokerReachable() ? "reachable" : "unreachable",
          "topics", readiness.topicsReady() ? "ready" : "pending",
          "spool", Map.of(
              "writable", readiness.spoolWritable(),
              "records", readiness.spool().depth(),
              "bytes", readiness.spool().bytes(),
              "oldestAgeSeconds", readiness.spool().oldestAgeMillis() / 1000,
              "quarantined", readiness.spool().quarantine().count())));
    });
    // Internal, like /metrics: the Ingress routes only /webhooks to the receiver.
    app.get("/ops/traffic", ctx -> ctx.json(TrafficReport.of(watchdog)));
    app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));

    app.exception(HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus()).json(Map.of("error", e.getMessage())));
    app.exception(Exception.class, (e, ctx) -> {
      LOG.error("Unexpected error on {} {}", ctx.method(), ctx.path(), e);
      ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(Map.of("error", "Internal error"));
    });
    return app;
  }

  /**
   * Slow-loris: a connection whose bytes stop for {@code idleTimeout}, within a request or between
   * two, is closed. On the connector, not as HttpConfiguration's idle timeout: Jetty swaps that one
   * in for each request and puts the connection's own back when the request completes, also over
   * the short one a stop has set meanwhile, and that keep-alive connection then held the stop up
   * to its stop timeout.
   */
  private static void limitIdleTime(AbstractConnector connector, Duration idleTimeout) {
    connector.setIdleTimeout(idleTimeout.toMillis());
    connector.setShutdownIdleTimeout(SHUTDOWN_IDLE_TIMEOUT.toMillis());
  }
}

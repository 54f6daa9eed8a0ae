package lat.pipeline.receiver;

import io.javalin.Javalin;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import lat.pipeline.receiver.auth.FailedAuthLimiter;
import lat.pipeline.receiver.durability.RawEventPublisher;
import lat.pipeline.receiver.durability.Spool;
import lat.pipeline.receiver.durability.SpoolDrainer;
import lat.pipeline.receiver.health.Readiness;
import lat.pipeline.receiver.health.ReceiverMetrics;
import lat.pipeline.receiver.http.WebhookApp;
import lat.pipeline.schemas.TopicProvisioner;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The receiver's composition root: builds every part from the config, starts and stops them in order. */
public final class ReceiverService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReceiverService.class);

  /** Beyond this many addresses, failed logins count toward the overall limit only: the table stays small. */
  private static final int MAX_TRACKED_ADDRESSES = 10_000;
  private static final Duration PROVISIONING_RETRY = Duration.ofSeconds(5);

  private final ReceiverConfig config;
  private Admin admin;
  private Readiness readiness;
  private ReceiverMetrics metrics;
  private Spool spool;
  private SpoolDrainer drainer;
  private RawEventPublisher publisher;
  private FailedAuthLimiter failedAuth;
  private Javalin app;
  private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "receiver-housekeeping");
    thread.setDaemon(true);
    return thread;
  });

  public ReceiverService(ReceiverConfig config) {
    this.config = config;
  }

  public ReceiverService start() throws InterruptedException {
    admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
        AdminClientConfig.CLIENT_ID_CONFIG, "receiver-admin"));
    metrics = new ReceiverMetrics();
    spool = Spool.open(config.spoolDir(), config.spoolMaxBytes(), config.spoolSegmentBytes(),
        config.spoolQueueMaxBytes(), config.spoolWriteTimeout());
    metrics.bindSpool(spool);
    publisher = new RawEventPublisher(
        RawEventPublisher.createProducer(config.bootstrapServers(), config.ackTimeout(), config.maxRecordBytes()),
        spool, config.ackTimeout());
    metrics.bindProducer(publisher.producer());
    drainer = new SpoolDrainer(spool, publisher.producer(), config.ackTimeout()).start();
    readiness = new Readiness(admin, spool, Duration.ofSeconds(2));
    readiness.start(Duration.ofSeconds(5));
    if (config.createTopics()) {
      housekeeping.execute(this::provisionTopics);
    } else {
      readiness.topicsProvisioned();
    }
    failedAuth = new FailedAuthLimiter(config.limits().authFailuresPerMinute(),
        config.limits().authFailuresPerMinuteTotal(), MAX_TRACKED_ADDRESSES, Duration.ofMinutes(1));
    housekeeping.scheduleWithFixedDelay(failedAuth::forgetRecovered, 5, 5, TimeUnit.MINUTES);
    app = WebhookApp.create(config, publisher, failedAuth, readiness, metrics).start(config.host(), config.port());
    LOG.info("Receiver listening on {}:{} ({})", config.host(), app.port(), config.credentials());
    return this;
  }

  /**
   * Creates (or fixes) the raw topics in the background: a broker that is away at start-up must not
   * stop the receiver from taking webhooks into the spool. Retries until it succeeds.
   */
  private void provisionTopics() {
    try {
      TopicProvisioner.ensure(admin, Topics.RAW, config.topics());
      readiness.topicsProvisioned();
      LOG.info("Raw topics ready (max.message.bytes at least {})", config.topics().rawMaxMessageBytes());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("Could not create the raw topics yet ({}); retrying in {} s", e.getMessage(), PROVISIONING_RETRY.toSeconds());
      housekeeping.schedule(this::provisionTopics, PROVISIONING_RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  public int port() {
    return app.port();
  }

  /**
   * Stops taking requests and lets in-flight ones finish, stops the drainer after its batch, flushes
   * the producer, then closes the spool once everything queued for it is on disk. What the spool
   * still holds is drained at the next start.
   */
  @Override
  public void close() {
    if (app != null) {
      app.stop();
    }
    housekeeping.shutdownNow();
    try {
      if (drainer != null) {
        drainer.close();
      }
      if (publisher != null) {
        publisher.close();
      }
      if (spool != null) {
        spool.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (readiness != null) {
      readiness.close();
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
    if (metrics != null) {
      metrics.close();
    }
  }
}

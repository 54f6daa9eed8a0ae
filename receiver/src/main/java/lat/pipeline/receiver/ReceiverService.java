package lat.pipeline.receiver;

import io.javalin.Javalin;
import io.javalin.util.JavalinException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import lat.pipeline.kafka.KafkaAccessException;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.receiver.auth.FailedAuthLimiter;
import lat.pipeline.receiver.durability.RawEventPublisher;
import lat.pipeline.receiver.durability.Spool;
import lat.pipeline.receiver.durability.SpoolDrainer;
import lat.pipeline.receiver.health.Readiness;
import lat.pipeline.receiver.health.ReceiverMetrics;
import lat.pipeline.receiver.http.WebhookApp;
import lat.pipeline.schemas.Topic;
import lat.pipeline.provisioning.TopicProvisioner;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AclOperation;
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

  /**
   * @throws KafkaAccessException when Kafka answers but refuses the receiver's login, its TLS trust or
   *     its WRITE on a raw topic: that cannot heal by waiting, unlike a broker that is away
   */
  public ReceiverService start() throws InterruptedException {
    KafkaClients kafka = config.kafkaClients();
    verifyAccess(kafka);
    admin = kafka.admin(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "receiver-admin"));
    metrics = new ReceiverMetrics();
    spool = Spool.open(config.spoolDir(), config.spoolMaxBytes(), config.spoolSegmentBytes(),
        config.spoolQueueMaxBytes(), config.spoolWriteTimeout());
    metrics.bindSpool(spool);
    publisher = new RawEventPublisher(
        RawEventPublisher.createProducer(kafka, config.ackTimeout(), config.maxRecordBytes()),
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
   * A broker that does not answer within the ack timeout is no reason not to start: the spool takes
   * the webhooks until it does. One that answers and refuses is.
   */
  private void verifyAccess(KafkaClients kafka) {
    try {
      kafka.verifyConnection(config.ackTimeout());
      kafka.verifyTopicAccess(config.ackTimeout(), Topics.RAW.stream().map(Topic::name).toList(), AclOperation.WRITE);
    } catch (KafkaAccessException refused) {
      throw refused;
    } catch (RuntimeException away) {
      LOG.warn("Kafka is not reachable at start-up ({}); webhooks go to the spool until it is", away.getMessage());
    }
  }

  /**
   * Creates (or fixes) the raw topics in the background: a broker that is away at start-up must not
   * stop the receiver from taking webhooks into the spool. Retries until it succeeds, or until
   * Kafka refuses the receiver the right to (a missing CREATE ACL does not heal by retrying).
   */
  private void provisionTopics() {
    try {
      TopicProvisioner.ensure(admin, Topics.RAW, config.topics());
      readiness.topicsProvisioned();
      LOG.info("Raw topics ready (max.message.bytes at least {})", config.topics().rawMaxMessageBytes());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (KafkaAccessException.isAccessFailure(e)) {
        LOG.error("Kafka refuses to create the raw topics: {}; create them (or grant CREATE) and restart, or set "
            + "RECEIVER_CREATE_TOPICS=false", KafkaAccessException.explain(e, config.kafkaClients()).getMessage());
        return;
      }
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
   * still holds is drained at the next start. Every step runs even when one before it failed or
   * was interrupted: the spool is always closed.
   */
  @Override
  public void close() {
    boolean interrupted = stopStep("HTTP server", app == null ? null : this::stopHttp);
    housekeeping.shutdownNow();
    interrupted |= stopStep("spool drainer", drainer == null ? null : drainer::close);
    interrupted |= stopStep("producer", publisher == null ? null : publisher::close);
    interrupted |= stopStep("spool", spool == null ? null : spool::close);
    interrupted |= stopStep("readiness checks", readiness == null ? null : readiness::close);
    interrupted |= stopStep("admin client", admin == null ? null : () -> admin.close(Duration.ofSeconds(5)));
    interrupted |= stopStep("metrics", metrics == null ? null : metrics::close);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void stopHttp() throws InterruptedException {
    try {
      app.stop();
    } catch (JavalinException e) {
      if (e.getCause() instanceof InterruptedException interrupted) {
        throw interrupted;
      }
      if (!(e.getCause() instanceof TimeoutException)) {
        throw e;
      }
      LOG.warn("Requests still in flight after the stop timeout ({} s) had their connections closed unanswered",
          WebhookApp.STOP_TIMEOUT.toSeconds());
    }
  }

  /** One step of {@link #close()}, none when {@code step} is null; returns whether it was interrupted. */
  private static boolean stopStep(String part, StopStep step) {
    if (step == null) {
      return false;
    }
    try {
      step.run();
    } catch (InterruptedException e) {
      LOG.warn("Interrupted while stopping the {}; the stop goes on", part);
      return true;
    } catch (Exception e) {
      LOG.error("Stopping the {} failed; the stop goes on", part, e);
    }
    return false;
  }

  @FunctionalInterface
  private interface StopStep {
    void run() throws Exception;
  }
}

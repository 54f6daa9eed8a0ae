package lat.pipeline.fetcher;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import lat.pipeline.fetcher.client.BsaleClient;
import lat.pipeline.fetcher.limits.CompanyLimits;
import lat.pipeline.kafka.KafkaAccessException;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.ops.HealthServer;
import lat.pipeline.schemas.Topic;
import lat.pipeline.provisioning.TopicProvisioner;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.acl.AclOperation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fetcher's composition root: provisions topics, builds the Bsale client, the per-company
 * limits, the idempotent producer and the consumer, runs the fetch loop on its own thread and
 * serves health and metrics.
 */
public final class FetcherService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FetcherService.class);
  private static final Duration START_UP_CHECK = Duration.ofSeconds(30);

  /** The topics the fetcher reads and writes; tests give their own. */
  public record FetcherTopics(
      Topic<String, byte[]> requests, Topic<String, byte[]> resources, Topic<String, byte[]> deadLetters) {
    public static final FetcherTopics DEFAULT =
        new FetcherTopics(Topics.BSALE_FETCH_REQUESTS, Topics.RAW_BSALE_RESOURCES, Topics.DLQ_NORMALIZER);
  }

  private final FetcherConfig config;
  private final FetcherTopics topics;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final FetcherMetrics metrics = new FetcherMetrics(registry);
  private ExecutorService httpExecutor;
  private ScheduledExecutorService scheduler;
  private KafkaProducer<String, byte[]> producer;
  private KafkaClientMetrics producerMetrics;
  private KafkaClientMetrics consumerMetrics;
  private FetchLoop loop;
  private Thread loopThread;
  private HealthServer health;

  public FetcherService(FetcherConfig config) {
    this(config, FetcherTopics.DEFAULT);
  }

  public FetcherService(FetcherConfig config, FetcherTopics topics) {
    this.config = config;
    this.topics = topics;
  }

  /**
   * @throws KafkaAccessException when Kafka refuses the fetcher's login, its TLS trust, its READ on
   *     the fetch requests or its WRITE on what it writes (naming the setting or the topics)
   */
  public FetcherService start() throws IOException, InterruptedException {
    KafkaClients kafka = config.kafkaClients();
    kafka.verifyConnection(START_UP_CHECK);
    if (config.createTopics()) {
      try (Admin admin = kafka.admin(Map.of())) {
        TopicProvisioner.ensure(admin, List.of(topics.requests(), topics.resources(), topics.deadLetters()),
            config.topics());
      } catch (RuntimeException e) {
        throw KafkaAccessException.explainIfRefused(e, kafka);
      }
    }
    kafka.verifyTopicAccess(START_UP_CHECK, List.of(topics.requests().name()), AclOperation.READ);
    kafka.verifyTopicAccess(START_UP_CHECK, List.of(topics.resources().name(), topics.deadLetters().name()), AclOperation.WRITE);
    httpExecutor = Executors.newFixedThreadPool(2, daemon("bsale-http"));
    scheduler = Executors.newScheduledThreadPool(1, daemon("bsale-limits"));
    BsaleClient client = new BsaleClient(config.apiUrl(), config.requestTimeout(), httpExecutor);
    CompanyLimits limits = new CompanyLimits(config.limits(), scheduler);
    producer = kafka.producer(List.of(topics.resources(), topics.deadLetters()), producerProperties());
    KafkaConsumer<String, byte[]> consumer = kafka.consumer(topics.requests(), consumerProperties());
    producerMetrics = new KafkaClientMetrics(producer);
    producerMetrics.bindTo(registry);
    consumerMetrics = new KafkaClientMetrics(consumer);
    consumerMetrics.bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    ResourceFetcher fetcher = new ResourceFetcher(client, limits, producer, topics.resources(), metrics, config.maxWait());
    loop = new FetchLoop(consumer, topics.requests().name(), fetcher,
        new DeadLetterWriter(producer, topics.deadLetters(), metrics), metrics, config);
    loopThread = new Thread(loop, "bsale-fetch-loop");
    loopThread.start();
    health = HealthServer.start(config.healthPort(), loop::alive, loop::ready,
        () -> loop.ready() ? "RUNNING" : loop.alive() ? "STARTING" : "STOPPED", registry::scrape);
    LOG.info("Bsale fetcher started: API {}, {}, {}, {} req/s per company, health on port {}",
        config.apiUrl(), config.tokens(), config.companyTenants(), config.ratePerSecond(), healthPort());
    return this;
  }

  public FetcherMetrics metrics() {
    return metrics;
  }

  public int healthPort() {
    return health.port();
  }

  public boolean ready() {
    return loop != null && loop.ready();
  }

  private Map<String, Object> producerProperties() {
    return Map.of(
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
        ProducerConfig.CLIENT_ID_CONFIG, "bsale-fetcher-producer");
  }

  private Map<String, Object> consumerProperties() {
    return Map.of(
        ConsumerConfig.GROUP_ID_CONFIG, config.groupId(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500,
        ConsumerConfig.CLIENT_ID_CONFIG, "bsale-fetcher-consumer");
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Stops reading, lets in-flight fetches finish (up to 10 s), commits what was written, closes. */
  @Override
  public void close() {
    if (loop != null) {
      loop.stop();
      try {
        loopThread.join(Duration.ofSeconds(20).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
    }
    if (producerMetrics != null) {
      producerMetrics.close();
      consumerMetrics.close();
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
      httpExecutor.shutdownNow();
    }
    if (health != null) {
      health.close();
    }
    registry.close();
  }
}

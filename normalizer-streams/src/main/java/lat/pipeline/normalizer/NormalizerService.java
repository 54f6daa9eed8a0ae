package lat.pipeline.normalizer;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import lat.pipeline.kafka.KafkaAccessException;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.normalizer.dlq.DeadLetterExceptionHandler;
import lat.pipeline.normalizer.health.NormalizerMetrics;
import lat.pipeline.normalizer.providers.ProviderMappers;
import lat.pipeline.normalizer.topology.NormalizerTopology;
import lat.pipeline.ops.HealthServer;
import lat.pipeline.kafka.CanonicalRegistry;
import lat.pipeline.schemas.Topic;
import lat.pipeline.provisioning.TopicProvisioner;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The normalizer's composition root: provisions topics, registers the canonical schemas, builds the
 * topology, runs Kafka Streams with exactly-once, and serves health and metrics.
 */
public final class NormalizerService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NormalizerService.class);
  private static final Duration START_UP_CHECK = Duration.ofSeconds(30);
  private static final int PRODUCER_BATCH_BYTES = 128 * 1024;

  private final NormalizerConfig config;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private KafkaStreams streams;
  private KafkaStreamsMetrics streamsMetrics;
  private HealthServer health;

  private final Runnable onFatalError;

  /** @param onFatalError runs, on its own thread, once Kafka Streams has stopped on an error */
  public NormalizerService(NormalizerConfig config, Runnable onFatalError) {
    this.config = config;
    this.onFatalError = onFatalError;
  }

  /**
   * @throws KafkaAccessException when Kafka refuses the normalizer's login, its TLS trust, or its
   *     READ or WRITE on a topic of the topology (naming the setting or the topics)
   */
  public NormalizerService start() throws IOException, InterruptedException {
    KafkaClients kafka = config.kafkaClients();
    kafka.verifyConnection(START_UP_CHECK);
    if (config.createTopics()) {
      try (Admin admin = kafka.admin(Map.of())) {
        TopicProvisioner.ensure(admin, Topics.all(), config.topics());
      } catch (RuntimeException e) {
        throw KafkaAccessException.explainIfRefused(e, kafka);
      }
    }
    CanonicalRegistry schemaRegistry = config.schemaRegistry();
    schemaRegistry.registerCanonicalSchemas();
    Topics.configureCanonicalSerdes(schemaRegistry.serdeConfig());

    Topology topology = new NormalizerTopology(
        ProviderMappers.all(config.tenantSettings()), config.dedupeRetention(), config.heldMax(),
        new NormalizerMetrics(registry)).build();
    kafka.verifyTopicAccess(START_UP_CHECK, topicsOf(topology, true), AclOperation.READ);
    kafka.verifyTopicAccess(START_UP_CHECK, topicsOf(topology, false), AclOperation.WRITE);
    streams = new KafkaStreams(topology, kafka.streamsProperties(streamsSettings()));
    // A thread that dies on an unexpected error takes the client down; the orchestrator restarts
    // it, and exactly-once makes it resume from the last commit. Kafka refusing the group or the
    // transactional id (an ACL) is said as such.
    streams.setUncaughtExceptionHandler(exception -> {
      LOG.error("Stream thread failed; shutting the normalizer down{}", KafkaAccessException.isAccessFailure(exception)
          ? ": " + KafkaAccessException.explain(exception, kafka).getMessage() : "", exception);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((newState, oldState) -> {
      LOG.info("Kafka Streams {} -> {}", oldState, newState);
      if (newState == KafkaStreams.State.ERROR) {
        new Thread(onFatalError, "normalizer-fatal").start();
      }
    });
    streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    new NormalizerMetrics(registry).bindConsumerLag(streams::metrics, () -> NormalizerMetrics.mainConsumers(streams));
    health = HealthServer.start(config.healthPort(),
        () -> streams.state() != KafkaStreams.State.ERROR && streams.state() != KafkaStreams.State.NOT_RUNNING,
        () -> streams.state() == KafkaStreams.State.RUNNING,
        () -> streams.state().name(),
        registry::scrape);
    streams.start();
    LOG.info("Normalizer started (application id {}, health on port {})", config.applicationId(), healthPort());
    return this;
  }

  public KafkaStreams streams() {
    return streams;
  }

  public int healthPort() {
    return health.port();
  }

  /** The pipeline's topics the topology reads ({@code sources}) or writes; its internal topics are Streams' own. */
  private static Set<String> topicsOf(Topology topology, boolean sources) {
    Set<String> pipelineTopics = Topics.all().stream().map(Topic::name).collect(Collectors.toSet());
    Set<String> topics = new TreeSet<>();
    for (TopologyDescription.Subtopology subtopology : topology.describe().subtopologies()) {
      for (TopologyDescription.Node node : subtopology.nodes()) {
        if (sources && node instanceof TopologyDescription.Source source) {
          topics.addAll(source.topicSet());
        } else if (!sources && node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
          topics.add(sink.topic());
        }
      }
    }
    topics.retainAll(pipelineTopics);
    return topics;
  }

  private Map<String, Object> streamsSettings() {
    Map<String, Object> props = new HashMap<>();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.topics().replicationFactor());
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
    props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // A transaction's records (canonical and changelog) go in fewer, larger produce requests:
    // less work per record for the producer and the broker. The commit interval still bounds the wait.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
    // How soon a dead instance's partitions move to the others.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) config.sessionTimeout().toMillis());
    return props;
  }

  /**
   * Closes Kafka Streams cleanly: the open transaction commits and the state stores flush. The
   * instance leaves its group, so its partitions move to the others (or to its successor) at once
   * instead of after the session timeout, which is for instances that die.
   */
  @Override
  public void close() {
    if (streams != null) {
      streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
          .withTimeout(Duration.ofSeconds(30)));
    }
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
    if (health != null) {
      health.close();
    }
    registry.close();
  }
}

package lat.pipeline.normalizer;

import java.nio.file.Path;
import java.time.Duration;
import lat.pipeline.config.Env;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.normalizer.topology.NormalizerTopology;
import lat.pipeline.config.KafkaSecurity;
import lat.pipeline.config.RegistrySecurity;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.kafka.CanonicalRegistry;
import lat.pipeline.provisioning.TopicSettings;

/** The normalizer's configuration, parsed once from the environment at start-up. */
public record NormalizerConfig(
    String bootstrapServers,
    String schemaRegistryUrl,
    String applicationId,
    Path stateDir,
    Duration dedupeRetention,
    Duration heldMax,
    int streamThreads,
    int standbyReplicas,
    Duration commitInterval,
    Duration sessionTimeout,
    int healthPort,
    boolean createTopics,
    TopicSettings topics,
    TenantSettings tenantSettings,
    KafkaSecurity kafkaSecurity,
    RegistrySecurity registrySecurity) {

  /**
   * A canonical record is visible to read_committed consumers only once its transaction commits: half
   * Streams' 100 ms keeps the answer-to-commit p99 well under 250 ms at 1,000 events/s, for about a
   * tenth of the backlog rate (README, Benchmarks).
   */
  static final long DEFAULT_COMMIT_INTERVAL_MS = 50;

  public static NormalizerConfig fromEnv(Env env) {
    return new NormalizerConfig(
        env.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
        env.string("SCHEMA_REGISTRY_URL", "http://localhost:8081"),
        env.string("NORMALIZER_APPLICATION_ID", "normalizer"),
        Path.of(env.string("NORMALIZER_STATE_DIR", "/var/lib/normalizer")),
        env.millis("NORMALIZER_DEDUPE_RETENTION_MS", Duration.ofDays(7).toMillis(), 60_000),
        env.millis("NORMALIZER_HELD_MAX_MS", NormalizerTopology.DEFAULT_HELD_MAX.toMillis(), 1_000),
        env.integer("NORMALIZER_THREADS", 1, 1, 64),
        env.integer("NORMALIZER_STANDBY_REPLICAS", 0, 0, 8),
        env.millis("NORMALIZER_COMMIT_INTERVAL_MS", DEFAULT_COMMIT_INTERVAL_MS, 10),
        env.millis("NORMALIZER_SESSION_TIMEOUT_MS", 45_000, 6_000),
        env.integer("NORMALIZER_HEALTH_PORT", 8082, 0, 65_535),
        env.flag("NORMALIZER_CREATE_TOPICS", true),
        TopicSettings.fromEnv(env),
        TenantSettings.fromEnv(env),
        KafkaSecurity.fromEnv(env),
        RegistrySecurity.fromEnv(env));
  }

  /** The factory of the normalizer's Kafka clients (Streams, replay, re-drive). */
  public KafkaClients kafkaClients() {
    return new KafkaClients(bootstrapServers, kafkaSecurity);
  }

  public CanonicalRegistry schemaRegistry() {
    return new CanonicalRegistry(schemaRegistryUrl, registrySecurity);
  }
}

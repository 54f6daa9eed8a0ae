package lat.pipeline.receiver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import lat.pipeline.config.Env;
import lat.pipeline.config.KafkaSecurity;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.receiver.auth.ClientAddress;
import lat.pipeline.receiver.auth.CredentialStore;
import lat.pipeline.provisioning.TopicSettings;

/** The receiver's configuration, parsed once from the environment at start-up. */
public record ReceiverConfig(
    String host,
    int port,
    String bootstrapServers,
    int maxBodyBytes,
    Duration ackTimeout,
    int retryAfterSeconds,
    boolean createTopics,
    Path spoolDir,
    long spoolMaxBytes,
    long spoolSegmentBytes,
    long spoolQueueMaxBytes,
    Duration spoolWriteTimeout,
    TopicSettings topics,
    CredentialStore credentials,
    Limits limits,
    lat.pipeline.receiver.health.SilenceRule silence,
    KafkaSecurity kafkaSecurity) {

  /** What keeps a public endpoint safe: sizes, times, connections, failed logins, trusted proxies. */
  public record Limits(
      int maxHeaderBytes,
      Duration idleTimeout,
      long minRequestBytesPerSecond,
      int maxConnections,
      int authFailuresPerMinute,
      int authFailuresPerMinuteTotal,
      Duration obumaMaxClockSkew,
      List<String> trustedProxies) {

    static Limits fromEnv(Env env) {
      List<String> trustedProxies = env.list("RECEIVER_TRUSTED_PROXIES");
      try {
        new ClientAddress(trustedProxies);
      } catch (IllegalArgumentException e) {
        throw new Env.ConfigException("RECEIVER_TRUSTED_PROXIES: " + e.getMessage());
      }
      return new Limits(
          env.integer("RECEIVER_MAX_HEADER_BYTES", 8_192, 1_024, 65_536),
          env.millis("RECEIVER_IDLE_TIMEOUT_MS", 10_000, 100),
          env.longValue("RECEIVER_MIN_REQUEST_BYTES_PER_SECOND", 1_024, 0),
          env.integer("RECEIVER_MAX_CONNECTIONS", 2_000, 1, 1_000_000),
          env.integer("RECEIVER_AUTH_FAILURES_PER_MINUTE", 20, 1, 1_000_000),
          env.integer("RECEIVER_AUTH_FAILURES_PER_MINUTE_TOTAL", 600, 1, 1_000_000),
          Duration.ofSeconds(env.longValue("RECEIVER_OBUMA_MAX_SKEW_SECONDS", 86_400, 1)),
          trustedProxies);
    }
  }

  public static ReceiverConfig fromEnv(Env env) {
    Path secretsDir = Path.of(env.string("WEBHOOK_SECRETS_DIR", "/var/run/secrets/webhooks"));
    int maxBodyBytes = TopicSettings.maxBodyBytes(env);
    int maxRecordBytes = TopicSettings.rawRecordBytes(maxBodyBytes);
    long spoolQueueMaxBytes = env.longValue("RECEIVER_SPOOL_QUEUE_MAX_BYTES", Math.max(32L << 20, 2L * maxRecordBytes), 1);
    if (spoolQueueMaxBytes < maxRecordBytes) {
      throw new Env.ConfigException("RECEIVER_SPOOL_QUEUE_MAX_BYTES must hold at least one record of the largest body ("
          + maxRecordBytes + " bytes with RECEIVER_MAX_BODY_BYTES=" + maxBodyBytes + "), was " + spoolQueueMaxBytes);
    }
    return new ReceiverConfig(
        env.string("RECEIVER_HOST", "0.0.0.0"),
        env.integer("RECEIVER_PORT", 8080, 0, 65_535),
        env.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
        maxBodyBytes,
        env.millis("RECEIVER_ACK_TIMEOUT_MS", 2_000, 100),
        env.integer("RECEIVER_RETRY_AFTER_SECONDS", 5, 1, 3_600),
        env.flag("RECEIVER_CREATE_TOPICS", true),
        Path.of(env.string("RECEIVER_SPOOL_DIR", "/var/lib/receiver/spool")),
        env.longValue("RECEIVER_SPOOL_MAX_BYTES", 1L << 30, 1L << 16),
        env.longValue("RECEIVER_SPOOL_SEGMENT_BYTES", 64L << 20, 1L << 16),
        spoolQueueMaxBytes,
        env.millis("RECEIVER_SPOOL_WRITE_TIMEOUT_MS", 2_000, 100),
        TopicSettings.fromEnv(env),
        CredentialStore.load(
            env.string("WEBHOOK_TOKENS", ""),
            env.string("OBUMA_API_KEYS", ""),
            env.string("OBUMA_CLIENT_SECRETS", ""),
            secretsDir),
        Limits.fromEnv(env),
        lat.pipeline.receiver.health.SilenceRule.fromEnv(env),
        KafkaSecurity.fromEnv(env));
  }

  /** The factory of the receiver's Kafka clients: the bootstrap servers and the security settings. */
  public KafkaClients kafkaClients() {
    return new KafkaClients(bootstrapServers, kafkaSecurity);
  }

  /** The largest raw record: what the producer's requests and the raw topics must take. */
  public int maxRecordBytes() {
    return TopicSettings.rawRecordBytes(maxBodyBytes);
  }
}

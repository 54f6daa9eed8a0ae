package lat.pipeline.receiver;

import java.nio.file.Path;
import java.time.Duration;
import lat.pipeline.config.Env;
import lat.pipeline.receiver.auth.CredentialStore;
import lat.pipeline.schemas.TopicSettings;

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
    TopicSettings topics,
    CredentialStore credentials) {

  public static ReceiverConfig fromEnv(Env env) {
    Path secretsDir = Path.of(env.string("WEBHOOK_SECRETS_DIR", "/var/run/secrets/webhooks"));
    return new ReceiverConfig(
        env.string("RECEIVER_HOST", "0.0.0.0"),
        env.integer("RECEIVER_PORT", 8080, 0, 65_535),
        env.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
        env.integer("RECEIVER_MAX_BODY_BYTES", 1_048_576, 1, 64 * 1_048_576),
        env.millis("RECEIVER_ACK_TIMEOUT_MS", 2_000, 100),
        env.integer("RECEIVER_RETRY_AFTER_SECONDS", 5, 1, 3_600),
        env.flag("RECEIVER_CREATE_TOPICS", true),
        Path.of(env.string("RECEIVER_SPOOL_DIR", "/var/lib/receiver/spool")),
        env.longValue("RECEIVER_SPOOL_MAX_BYTES", 1L << 30, 1L << 16),
        env.longValue("RECEIVER_SPOOL_SEGMENT_BYTES", 64L << 20, 1L << 16),
        TopicSettings.fromEnv(env),
        CredentialStore.load(
            env.string("WEBHOOK_TOKENS", ""), env.string("OBUMA_CLIENT_SECRETS", ""), secretsDir));
  }
}

package lat.pipeline.fetcher;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import lat.pipeline.config.Env;
import lat.pipeline.config.KafkaSecurity;
import lat.pipeline.fetcher.client.BsaleTokens;
import lat.pipeline.fetcher.limits.LimitSettings;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.provisioning.TopicSettings;

/**
 * The fetcher's configuration, parsed once from the environment at start-up. The tokens are held
 * by {@link BsaleTokens}, whose {@code toString} names companies only.
 */
public record FetcherConfig(
    String bootstrapServers,
    String groupId,
    URI apiUrl,
    BsaleTokens tokens,
    CompanyTenants companyTenants,
    int ratePerSecond,
    int maxConcurrency,
    int maxConcurrencyPerCompany,
    Duration coalesceWindow,
    Duration maxWait,
    int maxAttempts,
    Duration backoffBase,
    Duration requestTimeout,
    Duration parkedRecheck,
    int maxBuffered,
    int healthPort,
    boolean createTopics,
    TopicSettings topics,
    KafkaSecurity kafkaSecurity) {

  public static FetcherConfig fromEnv(Env env) {
    String apiUrl = env.string("BSALE_API_URL", "https://api.bsale.io");
    URI api;
    try {
      api = URI.create(apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl);
      if (api.getScheme() == null || api.getHost() == null) {
        throw new IllegalArgumentException("no scheme or host");
      }
    } catch (IllegalArgumentException e) {
      throw new Env.ConfigException("BSALE_API_URL has a bad value '" + apiUrl + "': " + e.getMessage());
    }
    Map<String, String> tokens = BsaleTokens.parse("BSALE_TOKENS", env.string("BSALE_TOKENS", ""));
    return new FetcherConfig(
        env.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
        env.string("FETCHER_GROUP_ID", "bsale-fetcher"),
        api,
        new BsaleTokens(tokens, Path.of(env.string("BSALE_TOKENS_DIR", "/var/run/secrets/bsale"))),
        CompanyTenants.parse(env.string(CompanyTenants.VARIABLE, "")),
        env.integer("FETCHER_RATE_PER_SECOND", 5, 1, 1_000),
        env.integer("FETCHER_MAX_CONCURRENCY", 16, 1, 1_024),
        env.integer("FETCHER_MAX_CONCURRENCY_PER_COMPANY", 4, 1, 1_024),
        env.millis("FETCHER_COALESCE_WINDOW_MS", 1_000, 0),
        env.millis("FETCHER_MAX_WAIT_MS", 120_000, 100),
        env.integer("FETCHER_MAX_ATTEMPTS", 8, 1, 100),
        env.millis("FETCHER_BACKOFF_BASE_MS", 250, 1),
        env.millis("FETCHER_REQUEST_TIMEOUT_MS", 10_000, 10),
        env.millis("FETCHER_PARKED_RECHECK_MS", 60_000, 10),
        env.integer("FETCHER_MAX_BUFFERED", 10_000, 10, 10_000_000),
        env.integer("FETCHER_HEALTH_PORT", 8083, 0, 65_535),
        env.flag("FETCHER_CREATE_TOPICS", true),
        TopicSettings.fromEnv(env),
        KafkaSecurity.fromEnv(env));
  }

  /** The factory of the fetcher's Kafka clients: the bootstrap servers and the security settings. */
  public KafkaClients kafkaClients() {
    return new KafkaClients(bootstrapServers, kafkaSecurity);
  }

  LimitSettings limits() {
    return new LimitSettings(ratePerSecond, maxWait, maxAttempts, backoffBase, Duration.ofSeconds(30),
        Duration.ofSeconds(30));
  }
}

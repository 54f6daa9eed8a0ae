package lat.pipeline.console;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import lat.pipeline.config.Env;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.kafka.CanonicalRegistry;
import lat.pipeline.tools.ToolsConfig;
import lat.pipeline.normalizer.NormalizerConfig;

/**
 * The console's settings, read once from the environment.
 *
 * @param operatorToken what an operator types to get in; never logged, compared in constant time
 * @param receiverMetrics the receivers' {@code /metrics} endpoints (spool depth, silent tenants);
 *     {@code dns+http://host:port/path} stands for every address the host resolves to
 * @param fetcherMetrics the fetchers' {@code /metrics} endpoints (parked companies), likewise
 * @param resolvedTopic compacted topic of dead letters the console re-drove (key: their place)
 * @param createTopics whether the console creates {@code resolvedTopic} when it is missing
 * @param tools Kafka and the registry, with their security settings, as the tools reach them
 * @param tenantSettings as the normalizer's, for re-drive and replay
 * @param dedupeRetention as the normalizer's, for re-drive and replay
 */
public record ConsoleConfig(
    String host,
    int port,
    String operatorToken,
    ToolsConfig tools,
    TenantSettings tenantSettings,
    List<URI> receiverMetrics,
    List<URI> fetcherMetrics,
    String resolvedTopic,
    boolean createTopics,
    Duration dedupeRetention) {

  static final int MIN_TOKEN_LENGTH = 16;
  /** CONSOLE_RESOLVED_TOPIC's default. */
  public static final String DEFAULT_RESOLVED_TOPIC = "console.dlq-resolved";

  public ConsoleConfig {
    receiverMetrics = List.copyOf(receiverMetrics);
    fetcherMetrics = List.copyOf(fetcherMetrics);
  }

  public static ConsoleConfig fromEnv(Env env) {
    String token = env.secretFile("CONSOLE_OPERATOR_TOKEN_FILE").orElseGet(() -> env.string("CONSOLE_OPERATOR_TOKEN", ""));
    if (token.isEmpty()) {
      throw new Env.ConfigException("CONSOLE_OPERATOR_TOKEN or CONSOLE_OPERATOR_TOKEN_FILE must be set: the console lets no one in without it");
    }
    if (token.length() < MIN_TOKEN_LENGTH) {
      throw new Env.ConfigException((env.isSet("CONSOLE_OPERATOR_TOKEN_FILE") ? "CONSOLE_OPERATOR_TOKEN_FILE" : "CONSOLE_OPERATOR_TOKEN")
          + ": the operator token must be at least " + MIN_TOKEN_LENGTH + " characters");
    }
    NormalizerConfig normalizer = NormalizerConfig.fromEnv(env);
    return new ConsoleConfig(
        env.string("CONSOLE_HOST", "127.0.0.1"),
        env.integer("CONSOLE_PORT", 8085, 0, 65_535),
        token,
        ToolsConfig.fromEnv(env),
        normalizer.tenantSettings(),
        uris(env, "CONSOLE_RECEIVER_METRICS_URLS", "http://127.0.0.1:8080/metrics"),
        uris(env, "CONSOLE_FETCHER_METRICS_URLS", "http://127.0.0.1:8083/metrics"),
        env.string("CONSOLE_RESOLVED_TOPIC", DEFAULT_RESOLVED_TOPIC),
        env.flag("CONSOLE_CREATE_TOPICS", true),
        normalizer.dedupeRetention());
  }

  public KafkaClients kafka() {
    return tools.kafka();
  }

  public CanonicalRegistry schemaRegistry() {
    return tools.schemaRegistry();
  }

  private static List<URI> uris(Env env, String name, String defaultValue) {
    List<String> values = env.isSet(name) ? env.list(name) : List.of(defaultValue);
    return values.stream().map(value -> {
      try {
        URI uri = URI.create(value.strip());
        String scheme = String.valueOf(uri.getScheme()).replaceFirst("^dns\\+", "");
        if (!"http".equals(scheme) && !"https".equals(scheme) || uri.getHost() == null) {
          throw new IllegalArgumentException("not an http(s) URL, nor dns+http(s)");
        }
        return uri;
      } catch (IllegalArgumentException e) {
        throw new Env.ConfigException(name + " has a bad URL '" + value + "': " + e.getMessage());
      }
    }).toList();
  }
}

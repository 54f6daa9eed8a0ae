package lat.pipeline.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import lat.pipeline.config.Env;
import lat.pipeline.dev.testing.SecuredKafka;
import lat.pipeline.fetcher.FetcherConfig;
import lat.pipeline.normalizer.NormalizerConfig;
import lat.pipeline.receiver.ReceiverConfig;
import lat.pipeline.receiver.ReceiverService;
import lat.pipeline.provisioning.TopicProvisioner;
import lat.pipeline.provisioning.TopicSettings;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;

/**
 * The services' environments on the secured broker, as on Kubernetes: each logs in as its own
 * user and creates no topic (the broker's admin made them, as the Topic Operator does).
 */
final class SecuredServices {

  static final String TENANT = "secured-" + UUID.randomUUID().toString().substring(0, 8);
  static final String TOKEN = "secured-webhook-token-" + UUID.randomUUID();
  /** The Bsale company of fixtures/bsale, and the Bsale simulator's token for it. */
  static final String BSALE_COMPANY = "2";
  static final String BSALE_TOKEN = "secured-bsale-token";

  private static boolean topicsCreated;

  private SecuredServices() {}

  /** Every topic of the pipeline, once per JVM, by the broker's admin. */
  static synchronized void createTopics() throws Exception {
    if (!topicsCreated) {
      try (Admin admin = SecuredKafka.broker().clients().admin(Map.of())) {
        TopicProvisioner.ensure(admin, Topics.all(), new TopicSettings(1, (short) 1, -1, 604_800_000L));
      }
      topicsCreated = true;
    }
  }

  static Map<String, String> receiverEnv(SecuredKafka.User user) {
    Map<String, String> env = common(user);
    env.putAll(Map.of(
        "RECEIVER_HOST", "127.0.0.1",
        "RECEIVER_PORT", "0",
        "RECEIVER_CREATE_TOPICS", "false",
        // TLS and SCRAM on a loaded test machine: the start-up check gets the time a slow cluster may take.
        "RECEIVER_ACK_TIMEOUT_MS", "10000",
        "WEBHOOK_TOKENS", "*:" + TENANT + "=" + TOKEN,
        "WEBHOOK_SECRETS_DIR", "target/no-secrets",
        "RECEIVER_SPOOL_DIR", tempDir("receiver-spool")));
    return env;
  }

  static Map<String, String> normalizerEnv(SecuredKafka.User user, String registryUrl) {
    Map<String, String> env = common(user);
    env.putAll(Map.of(
        "SCHEMA_REGISTRY_URL", registryUrl,
        // The KafkaUser's group and transactional-id ACLs are for this application id.
        "NORMALIZER_APPLICATION_ID", "normalizer",
        "NORMALIZER_CREATE_TOPICS", "false",
        "NORMALIZER_STATE_DIR", tempDir("normalizer-state"),
        "NORMALIZER_HEALTH_PORT", "0"));
    return env;
  }

  static Map<String, String> fetcherEnv(SecuredKafka.User user, String bsaleApiUrl) {
    Map<String, String> env = common(user);
    env.putAll(Map.of(
        "BSALE_API_URL", bsaleApiUrl,
        "BSALE_TOKENS", BSALE_COMPANY + "=" + BSALE_TOKEN,
        "BSALE_COMPANY_TENANTS", BSALE_COMPANY + "=" + TENANT,
        "BSALE_TOKENS_DIR", tempDir("bsale-tokens"),
        "FETCHER_CREATE_TOPICS", "false",
        "FETCHER_HEALTH_PORT", "0"));
    return env;
  }

  static ReceiverService startReceiver(Map<String, String> env) throws InterruptedException {
    return new ReceiverService(ReceiverConfig.fromEnv(new Env(env))).start();
  }

  static NormalizerConfig normalizerConfig(Map<String, String> env) {
    return NormalizerConfig.fromEnv(new Env(env));
  }

  static FetcherConfig fetcherConfig(Map<String, String> env) {
    return FetcherConfig.fromEnv(new Env(env));
  }

  static HttpResponse<String> post(ReceiverService receiver, String provider, byte[] body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + receiver.port() + "/webhooks/" + provider + "/" + TENANT + "?token=" + TOKEN))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(ReceiverService receiver, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + path))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> common(SecuredKafka.User user) {
    Map<String, String> env = new HashMap<>(user.env());
    env.put("KAFKA_BOOTSTRAP_SERVERS", SecuredKafka.broker().bootstrapServers());
    return env;
  }

  private static String tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

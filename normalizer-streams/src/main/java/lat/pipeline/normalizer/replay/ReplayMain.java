package lat.pipeline.normalizer.replay;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import lat.pipeline.config.Env;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.normalizer.NormalizerConfig;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.kafka.CanonicalRegistry;
import lat.pipeline.normalizer.providers.ProviderMappers;
import lat.pipeline.schemas.Topics;

/**
 * {@code ./pipeline replay --provider P [--tenant T] --from TIME [--to TIME]} and
 * {@code ./pipeline redrive [--since TIME]}; TIME is RFC 3339 or {@code earliest}. Kafka and the
 * registry come from the normalizer's environment variables.
 */
public final class ReplayMain {

  private ReplayMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !(args[0].equals("replay") || args[0].equals("redrive"))) {
      fail("usage: replay --provider P [--tenant T] --from TIME [--to TIME] | redrive [--since TIME]");
    }
    Map<String, String> options = options(args);
    NormalizerConfig config = NormalizerConfig.fromEnv(Env.system());
    KafkaClients kafka = config.kafkaClients();
    kafka.verifyConnection(Duration.ofSeconds(30));
    CanonicalRegistry registry = config.schemaRegistry();
    registry.registerCanonicalSchemas();
    Topics.configureCanonicalSerdes(registry.serdeConfig());

    Replay.Summary summary;
    if (args[0].equals("replay")) {
      String provider = required(options, "provider");
      ProviderMapper mapper = ProviderMappers.forProvider(provider, config.tenantSettings())
          .orElseThrow(() -> new IllegalArgumentException("Unknown provider " + provider));
      Replay.Window window = new Replay.Window(provider, options.get("tenant"),
          time(required(options, "from")), options.containsKey("to") ? time(options.get("to")) : null);
      System.out.println("Replaying " + window + " from " + mapper.rawTopic().name());
      summary = new Replay(kafka, config.dedupeRetention(), System.out::println).run(mapper, window);
    } else {
      Instant since = options.containsKey("since") ? time(options.get("since")) : null;
      System.out.println("Re-driving dlq.normalizer " + (since == null ? "from where the last re-drive stopped" : "since " + since));
      summary = new Redrive(kafka, config.dedupeRetention(), ProviderMappers.all(config.tenantSettings()), System.out::println).run(since);
    }
    System.out.println("Done: " + summary);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        fail("expected --name value, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      fail("--" + name + " is required");
    }
    return value;
  }

  /** RFC 3339, or {@code earliest} for the beginning of the topic. */
  static Instant time(String text) {
    if (text.equals("earliest")) {
      return Instant.EPOCH;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      fail("not an RFC 3339 time or 'earliest': " + text);
      return null;
    }
  }

  private static void fail(String message) {
    System.err.println("pipeline: " + message);
    System.exit(2);
  }
}

package lat.pipeline.schemas;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic of the pipeline, declared once. Raw topics are named after their provider
 * ({@code raw.<provider>}): adding a provider means adding one line to {@link #RAW}.
 */
public final class Topics {

  private static final Serde<String> KEYS = Serdes.String();
  private static final Serde<byte[]> BYTES = Serdes.ByteArray();

  public static final String RAW_PREFIX = "raw.";

  public static final Topic<String, byte[]> RAW_OBUMA = raw("obuma");
  public static final Topic<String, byte[]> RAW_ALEGRA = raw("alegra");
  public static final Topic<String, byte[]> RAW_BSALE = raw("bsale");
  public static final Topic<String, byte[]> RAW_NINOX = raw("ninox");

  /** One raw topic per provider that calls our webhook URLs. */
  public static final List<Topic<String, byte[]>> RAW =
      List.of(RAW_OBUMA, RAW_ALEGRA, RAW_BSALE, RAW_NINOX);

  /** What the fetcher got from the Bsale API, with the notification it answers. */
  public static final Topic<String, byte[]> RAW_BSALE_RESOURCES =
      new Topic<>("raw.bsale.resources", Topic.Role.RAW, KEYS, BYTES);

  /** What the normalizer could not process: original bytes and headers, reason and step. */
  public static final Topic<String, byte[]> DLQ_NORMALIZER =
      new Topic<>("dlq.normalizer", Topic.Role.DEAD_LETTER, KEYS, BYTES);

  private Topics() {}

  /** The raw topic of a provider, or empty when no such provider is known. */
  public static Optional<Topic<String, byte[]>> rawFor(String provider) {
    return RAW.stream().filter(topic -> topic.name().equals(RAW_PREFIX + provider)).findFirst();
  }

  /** The provider whose webhooks a raw topic holds. */
  public static String providerOf(Topic<?, ?> rawTopic) {
    return rawTopic.name().substring(RAW_PREFIX.length());
  }

  private static Topic<String, byte[]> raw(String provider) {
    return new Topic<>(RAW_PREFIX + provider, Topic.Role.RAW, KEYS, BYTES);
  }
}

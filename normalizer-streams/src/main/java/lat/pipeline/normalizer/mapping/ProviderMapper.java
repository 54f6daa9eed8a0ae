package lat.pipeline.normalizer.mapping;

import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;

/** Turns one provider's raw events into canonical records. Pure: no I/O, no Kafka. */
public interface ProviderMapper {

  /** The provider name used in URLs, raw topics and keys, e.g. {@code obuma}. */
  String provider();

  /**
   * The raw topic this mapper reads: {@code raw.<provider>} unless the provider's webhooks need
   * enriching first (Bsale's are mapped from {@code raw.bsale.resources}).
   */
  default Topic<String, byte[]> rawTopic() {
    return Topics.rawFor(provider())
        .orElseThrow(() -> new IllegalStateException("No raw topic declared for provider " + provider()));
  }

  /** Never throws: anything that goes wrong is a {@link MappingResult.Failed}. */
  MappingResult map(RawEvent event);
}

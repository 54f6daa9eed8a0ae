package lat.pipeline.normalizer.mapping;

/** Turns one provider's raw events into canonical records. Pure: no I/O, no Kafka. */
public interface ProviderMapper {

  /** The provider name used in URLs, raw topics and keys, e.g. {@code obuma}. */
  String provider();

  /** Never throws: anything that goes wrong is a {@link MappingResult.Failed}. */
  MappingResult map(RawEvent event);
}

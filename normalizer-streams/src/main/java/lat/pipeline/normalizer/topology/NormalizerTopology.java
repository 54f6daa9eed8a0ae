package lat.pipeline.normalizer.topology;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import lat.pipeline.normalizer.bsale.BsaleNotifications;
import lat.pipeline.normalizer.dedupe.SeenEventIds;
import lat.pipeline.normalizer.dlq.DeadLetters;
import lat.pipeline.normalizer.health.NormalizerMetrics;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.state.Stores;

/**
 * The normalizer, top-down: for each provider, read its raw topic, normalize each record
 * ({@link NormalizationPath}: map, deduplicate, guard the order, drop no-ops), send what cannot be
 * mapped to the dead-letter topic, and write each canonical record to its entity's topic. Each provider is its own sub-topology with its own stores, so providers scale and
 * fail independently and need not be co-partitioned.
 */
public final class NormalizerTopology {

  private final List<ProviderMapper> mappers;
  /** How long a record may wait for its variant when nothing else is configured (NORMALIZER_HELD_MAX_MS). */
  public static final Duration DEFAULT_HELD_MAX = Duration.ofHours(1);

  private final Duration dedupeRetention;
  private final Duration heldMax;
  private final NormalizerMetrics metrics;

  public NormalizerTopology(List<ProviderMapper> mappers, Duration dedupeRetention, NormalizerMetrics metrics) {
    this(mappers, dedupeRetention, DEFAULT_HELD_MAX, metrics);
  }

  /** @param heldMax how long a record may wait for its variant before its raw record is dead-lettered */
  public NormalizerTopology(List<ProviderMapper> mappers, Duration dedupeRetention, Duration heldMax, NormalizerMetrics metrics) {
    this.mappers = mappers;
    this.dedupeRetention = dedupeRetention;
    this.heldMax = heldMax;
    this.metrics = metrics;
  }

  public Topology build() {
    StreamsBuilder builder = new StreamsBuilder();
    mappers.forEach(mapper -> normalize(builder, mapper));
    new BsaleNotifications(dedupeRetention, metrics).addTo(builder);
    return builder.build();
  }

  private void normalize(StreamsBuilder builder, ProviderMapper mapper) {
    String provider = mapper.provider();
    boolean joinsVariants = VariantJoin.of(mapper).isPresent();
    NormalizeRawRecords.Stores stores = new NormalizeRawRecords.Stores(seenEventsStore(provider), lastEmittedStore(provider),
        provider + "-dependents", joinsVariants ? provider + "-variants" : null, joinsVariants ? provider + "-held-for-variant" : null);
    addStores(builder, stores);
    String[] storeNames = Stream.of(stores.seenEvents(), stores.lastEmitted(), stores.dependents(), stores.variants(), stores.held())
        .filter(Objects::nonNull).toArray(String[]::new);
    KStream<String, Normalized> normalized = readRaw(builder, mapper).process(
        () -> new NormalizeRawRecords(new NormalizationPath(mapper), stores, dedupeRetention, heldMax, metrics),
        Named.as("normalize-" + provider), storeNames);
    var routes = normalized.split(Named.as("route-" + provider + "-"))
        .branch((key, value) -> value instanceof Normalized.DeadLetter,
            Branched.withConsumer(deadLetters -> writeDeadLetters(deadLetters, provider), "dead-letters"));
    if (joinsVariants) {
      routes = routes.branch((key, value) -> value instanceof Normalized.FetchRequest,
          Branched.withConsumer(fetches -> writeVariantFetches(fetches, provider), "variant-fetches"));
    }
    routes.defaultBranch(Branched.withConsumer(canonical -> writeCanonical(
            canonical.mapValues(value -> ((Normalized.Canonical) value).record(), Named.as("as-canonical-" + provider)),
            provider), "canonical"));
  }

  private KStream<String, byte[]> readRaw(StreamsBuilder builder, ProviderMapper mapper) {
    Topic<String, byte[]> raw = mapper.rawTopic();
    return builder.stream(raw.name(), Consumed.with(raw.keySerde(), raw.valueSerde()).withName("read-" + raw.name()));
  }

  private void writeDeadLetters(KStream<String, Normalized> deadLetters, String provider) {
    deadLetters
        .processValues(() -> new ContextualFixedKeyProcessor<String, Normalized, byte[]>() {
          @Override
          public void process(FixedKeyRecord<String, Normalized> record) {
            Normalized.DeadLetter dead = (Normalized.DeadLetter) record.value();
            Normalized.Place source = dead.source() != null ? dead.source() : context().recordMetadata()
                .map(read -> new Normalized.Place(read.topic(), read.partition(), read.offset())).orElseThrow();
            metrics.deadLettered(provider, dead.step());
            context().forward(record.withValue(dead.originalValue()).withHeaders(DeadLetters.headers(
                record.headers(), dead.step(), dead.reason(), source.topic(), source.partition(), source.offset())));
          }
        }, Named.as("dead-letter-" + provider))
        .to(Topics.DLQ_NORMALIZER.name(),
            Produced.with(Topics.DLQ_NORMALIZER.keySerde(), Topics.DLQ_NORMALIZER.valueSerde())
                .withName("write-dead-letters-" + provider));
  }

  /** Variant fetches go to the fetcher like a notification's; their answers come back on the raw resources topic. */
  private static void writeVariantFetches(KStream<String, Normalized> fetches, String provider) {
    Topic<String, byte[]> requests = Topics.BSALE_FETCH_REQUESTS;
    fetches
        .mapValues(value -> ((Normalized.FetchRequest) value).value(), Named.as("as-variant-fetch-" + provider))
        .to(requests.name(), Produced.with(requests.keySerde(), requests.valueSerde())
            .withName("write-variant-fetches-" + provider));
  }

  private void addStores(StreamsBuilder builder, NormalizeRawRecords.Stores stores) {
    // A window store forgets each event id once the dedupe retention has passed.
    builder.addStateStore(SeenEventIds.storeBuilder(stores.seenEvents(), dedupeRetention));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(stores.lastEmitted()), Serdes.String(), Serdes.String()));
    // The entity keys of each product's prices and stock, retracted when the product is deleted.
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(stores.dependents()), Serdes.String(), Serdes.String()));
    if (stores.variants() != null) {
      // The variant table: each variant's product id and SKU, from its last record.
      builder.addStateStore(Stores.keyValueStoreBuilder(
          Stores.persistentKeyValueStore(stores.variants()), Serdes.String(), Serdes.String()));
      // Records waiting for their variant, by the variant's key.
      builder.addStateStore(Stores.keyValueStoreBuilder(
          Stores.persistentKeyValueStore(stores.held()), Serdes.String(), Serdes.ByteArray()));
    }
  }

  private static String seenEventsStore(String provider) {
    return provider + "-seen-event-ids";
  }

  private static String lastEmittedStore(String provider) {
    return provider + "-last-emitted";
  }

  private void writeCanonical(KStream<String, CanonicalRecord> records, String provider) {
    var byEntity = records.split(Named.as("by-entity-" + provider + "-"));
    for (CanonicalEntity entity : CanonicalEntity.values()) {
      Topic<String, ? extends SpecificRecord> topic = CanonicalTopics.of(entity);
      byEntity.branch((key, record) -> record.entity() == entity,
          Branched.withConsumer(stream -> write(stream, topic, provider), entity.name().toLowerCase()));
    }
    byEntity.noDefaultBranch();
  }

  private static <V extends SpecificRecord> void write(
      KStream<String, CanonicalRecord> records, Topic<String, V> topic, String provider) {
    records
        .mapValues(record -> castValue(record, topic), Named.as("value-of-" + topic.name() + "-" + provider))
        .to(topic.name(), Produced.with(topic.keySerde(), topic.valueSerde()).withName("write-" + topic.name() + "-" + provider));
  }

  @SuppressWarnings("unchecked")
  private static <V extends SpecificRecord> V castValue(CanonicalRecord record, Topic<String, V> topic) {
    // Safe: CanonicalTopics pairs each entity with the topic of its value type.
    return (V) record.value();
  }
}

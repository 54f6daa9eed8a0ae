package lat.pipeline.schemas;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import lat.pipeline.schemas.canonical.Customer;
import lat.pipeline.schemas.canonical.Document;
import lat.pipeline.schemas.canonical.Event;
import lat.pipeline.schemas.canonical.Price;
import lat.pipeline.schemas.canonical.Product;
import lat.pipeline.schemas.canonical.ProductVariant;
import lat.pipeline.schemas.canonical.Stock;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic of the pipeline, declared once. Raw topics are named after their provider
 * ({@code raw.<provider>}): adding a provider means adding one line to {@link #RAW}. Beside each
 * topic's descriptor, one codec writes and reads its records ({@link RawRecords}, {@link
 * BsaleResources}, {@link FetchRequests}, {@link DeadLetterHeaders}; canonical values through their
 * Avro serde), and {@code KafkaClients} builds every client from the descriptor's serdes.
 */
public final class Topics {

  private static final Serde<String> KEYS = Serdes.String();
  private static final Serde<byte[]> BYTES = Serdes.ByteArray();

  public static final String RAW_PREFIX = "raw.";

  public static final Topic<String, byte[]> RAW_OBUMA = raw("obuma");
  public static final Topic<String, byte[]> RAW_ALEGRA = raw("alegra");
  public static final Topic<String, byte[]> RAW_BSALE = raw("bsale");
  public static final Topic<String, byte[]> RAW_NINOX = raw("ninox");

  /** One raw topic per provider that calls our webhook URLs; their records are written and read with {@link RawRecords}. */
  public static final List<Topic<String, byte[]>> RAW =
      List.of(RAW_OBUMA, RAW_ALEGRA, RAW_BSALE, RAW_NINOX);

  /** What the fetcher got from the Bsale API, with the notification it answers: {@link BsaleResources}. */
  public static final Topic<String, byte[]> RAW_BSALE_RESOURCES =
      new Topic<>("raw.bsale.resources", Topic.Role.RAW, KEYS, BYTES);

  /**
   * Deduplicated Bsale notifications waiting to be fetched: key tenant (so one fetcher instance
   * sees all of a company's fetches and its rate limit is exact), value a {@link FetchRequests}
   * request, the raw record's headers plus {@link BsaleResources#DELIVERY_ID}.
   */
  public static final Topic<String, byte[]> BSALE_FETCH_REQUESTS =
      new Topic<>("bsale.fetch-requests", Topic.Role.WORK, KEYS, BYTES);

  /**
   * What the normalizer or the Bsale fetcher could not process: original bytes and headers, reason
   * and step ({@link DeadLetterHeaders}).
   */
  public static final Topic<String, byte[]> DLQ_NORMALIZER =
      new Topic<>("dlq.normalizer", Topic.Role.DEAD_LETTER, KEYS, BYTES);

  private static final Map<String, Schema> CANONICAL_SCHEMAS = new HashMap<>();

  static {
    // Whoever reads or writes canonical topics needs Avro to trust the generated classes.
    CanonicalClasses.trust();
  }

  public static final Topic<String, Customer> CANONICAL_CUSTOMERS =
      canonical("canonical.customers", Customer.getClassSchema());
  public static final Topic<String, Product> CANONICAL_PRODUCTS =
      canonical("canonical.products", Product.getClassSchema());
  /** Variants on their own, where prices, stock and document lines name variants (Bsale). */
  public static final Topic<String, ProductVariant> CANONICAL_VARIANTS =
      canonical("canonical.variants", ProductVariant.getClassSchema());
  public static final Topic<String, Price> CANONICAL_PRICES = canonical("canonical.prices", Price.getClassSchema());
  public static final Topic<String, Stock> CANONICAL_STOCK = canonical("canonical.stock", Stock.getClassSchema());
  public static final Topic<String, Document> CANONICAL_DOCUMENTS =
      canonical("canonical.documents", Document.getClassSchema());
  /** What has no entity topic yet: tasks, web forms, notes, events of types not known yet. */
  public static final Topic<String, Event> CANONICAL_EVENTS = canonical("canonical.events", Event.getClassSchema());

  public static final List<Topic<String, ? extends SpecificRecord>> CANONICAL = List.of(
      CANONICAL_CUSTOMERS, CANONICAL_PRODUCTS, CANONICAL_VARIANTS, CANONICAL_PRICES, CANONICAL_STOCK,
      CANONICAL_DOCUMENTS, CANONICAL_EVENTS);

  /**
   * The canonical topics keyed by entity, compacted on that key: the latest record of each entity
   * is its current state, and a deletion's tombstone makes the topic forget it. {@link
   * #CANONICAL_EVENTS} is a history of events, not entities, and keeps the delete policy.
   */
  public static final List<Topic<String, ? extends SpecificRecord>> CANONICAL_ENTITIES = List.of(
      CANONICAL_CUSTOMERS, CANONICAL_PRODUCTS, CANONICAL_VARIANTS, CANONICAL_PRICES, CANONICAL_STOCK,
      CANONICAL_DOCUMENTS);

  private Topics() {}

  /** Every topic the pipeline writes, for provisioning. */
  public static List<Topic<?, ?>> all() {
    List<Topic<?, ?>> all = new java.util.ArrayList<>(RAW);
    all.add(RAW_BSALE_RESOURCES);
    all.add(BSALE_FETCH_REQUESTS);
    all.addAll(CANONICAL);
    all.add(DLQ_NORMALIZER);
    return List.copyOf(all);
  }

  /**
   * Points the canonical topics' value serdes at a schema registry; called once at start-up.
   * Apicurio's serde writes the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary)
   * and names subjects {@code <topic>-value}.
   */
  public static void configureCanonicalSerdes(Map<String, ?> registryConfig) {
    CANONICAL.forEach(topic -> topic.valueSerde().configure(registryConfig, false));
  }

  /**
   * Puts the serde that {@code serdeFor} makes from each canonical topic's schema behind its value
   * serde, in place of the registry's: for tests of the topology alone on TopologyTestDriver, with
   * plain Avro binary and no registry, as Kafka's own Streams tests do. The services call only
   * {@link #configureCanonicalSerdes}, which replaces whatever this put there.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void useCanonicalSerdes(Function<Schema, Serde<? extends SpecificRecord>> serdeFor) {
    CANONICAL.forEach(topic -> ((CanonicalSerde) topic.valueSerde()).use(serdeFor.apply(valueSchemaOf(topic))));
  }

  /** The raw topic of a provider, or empty when no such provider is known. */
  public static Optional<Topic<String, byte[]>> rawFor(String provider) {
    return RAW.stream().filter(topic -> topic.name().equals(RAW_PREFIX + provider)).findFirst();
  }

  /** The provider whose webhooks a raw topic holds. */
  public static String providerOf(Topic<?, ?> rawTopic) {
    return rawTopic.name().substring(RAW_PREFIX.length());
  }

  /** The Avro schema of a canonical topic's values, registered as {@code <topic>-value}. */
  public static Schema valueSchemaOf(Topic<String, ? extends SpecificRecord> canonicalTopic) {
    return CANONICAL_SCHEMAS.get(canonicalTopic.name());
  }

  private static <V extends SpecificRecord> Topic<String, V> canonical(String name, Schema schema) {
    CANONICAL_SCHEMAS.put(name, schema);
    return new Topic<>(name, Topic.Role.CANONICAL, KEYS, new CanonicalSerde<>());
  }

  private static Topic<String, byte[]> raw(String provider) {
    return new Topic<>(RAW_PREFIX + provider, Topic.Role.RAW, KEYS, BYTES);
  }
}

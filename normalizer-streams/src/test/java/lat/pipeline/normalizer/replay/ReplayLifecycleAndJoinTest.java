package lat.pipeline.normalizer.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.dev.testing.SharedRegistry;
import lat.pipeline.normalizer.mapping.BsaleEnvelopes;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.providers.ProviderMappers;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.normalizer.topology.NormalizationPath;
import lat.pipeline.kafka.CanonicalRegistry;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.schemas.DeadLetterHeaders;
import lat.pipeline.schemas.Topic;
import lat.pipeline.provisioning.TopicProvisioner;
import lat.pipeline.provisioning.TopicSettings;
import lat.pipeline.schemas.Topics;
import lat.pipeline.schemas.canonical.Stock;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replay and re-drive agree with the topology on the lifecycle and the variant join, on a real
 * broker: a deletion they emit retracts the product's prices and stock, and a record whose variant
 * is unknown is joined from the variants read earlier or in {@code canonical.variants}, and only
 * then dead-lettered (step {@code join}), to be re-driven once the variant is known.
 */
@ExtendWith({SharedKafka.class, SharedRegistry.class})
class ReplayLifecycleAndJoinTest {

  private static final Duration RETENTION = Duration.ofDays(7);
  private static KafkaProducer<String, byte[]> producer;

  private final String tenant = "lifecycle" + UUID.randomUUID().toString().substring(0, 8);
  private final TenantSettings settings = TenantSettings.parse(List.of("*:" + tenant + "=CLP@America/Santiago"));

  @BeforeAll
  static void createTopics() throws Exception {
    try (Admin admin = SharedKafka.broker().clients().admin(Map.of())) {
      TopicProvisioner.ensure(admin, Topics.all(), new TopicSettings(2, (short) 1, -1, 604_800_000L));
    }
    CanonicalRegistry registry = new CanonicalRegistry(SharedRegistry.registry().baseUrl());
    registry.registerCanonicalSchemas();
    Topics.configureCanonicalSerdes(registry.serdeConfig());
    producer = SharedKafka.broker().clients().producer(Map.of(), new StringSerializer(), new ByteArraySerializer());
  }

  @AfterAll
  static void closeProducer() {
    producer.close();
  }

  // Fails on main before this change: the replayed deletion was the product's DELETED record and
  // tombstone only; its two prices and its stock stayed in their compacted topics for ever.
  @Test
  void aDeletionAReplayEmitsRetractsThePricesAndStockOfTheProductKnownFromTheCanonicalTopics() throws Exception {
    produce(Topics.RAW_ALEGRA, Files.readAllBytes(Fixtures.root().resolve("alegra/new-item.json")));
    Replay.Summary first = replay("alegra", Instant.EPOCH);
    assertThat(first.deadLettered()).isZero();
    Map<String, SpecificRecord> prices = latest(Topics.CANONICAL_PRICES);
    Map<String, SpecificRecord> stock = latest(Topics.CANONICAL_STOCK);
    assertThat(prices).hasSize(2).doesNotContainValue(null);
    assertThat(stock).isNotEmpty().doesNotContainValue(null);

    produce(Topics.RAW_ALEGRA, "{\"subject\":\"delete-item\",\"message\":{\"id\":\"865\"}}".getBytes(StandardCharsets.UTF_8));
    // A second run: what it knows of the product's prices and stock comes from the canonical topics.
    Replay.Summary second = replay("alegra", Instant.EPOCH);

    assertThat(second.unchanged()).isPositive();
    assertThat(latest(Topics.CANONICAL_PRODUCTS)).containsEntry("alegra:" + tenant + ":865", null);
    assertThat(latest(Topics.CANONICAL_PRICES)).containsOnlyKeys(prices.keySet())
        .allSatisfy((key, value) -> assertThat(value).isNull());
    assertThat(latest(Topics.CANONICAL_STOCK)).containsOnlyKeys(stock.keySet())
        .allSatisfy((key, value) -> assertThat(value).isNull());
  }

  @Test
  void aStockWhoseVariantIsUnknownIsDeadLetteredClearlyThenJoinedOnReDriveFromCanonicalVariants() throws Exception {
    Instant started = Instant.now();
    produce(Topics.RAW_BSALE_RESOURCES, BsaleEnvelopes.envelope(fixture("bsale/stock.put.json")));
    assertThat(replay("bsale", started).deadLettered()).isEqualTo(1);
    List<ConsumerRecord<String, byte[]>> dead = deadLetters(NormalizationPath.STEP_JOIN);
    assertThat(dead).singleElement().satisfies(letter -> assertThat(header(letter, DeadLetterHeaders.REASON))
        .contains("variant bsale:" + tenant + ":variant:7079", "neither in canonical.variants nor earlier"));

    // The product (with its variants expanded) is fetched later; a replay of that window alone writes its variants.
    Instant productAt = Instant.now();
    produce(Topics.RAW_BSALE_RESOURCES, BsaleEnvelopes.envelope(fixture("bsale/product.put.json")));
    replay("bsale", productAt);
    assertThat(latest(Topics.CANONICAL_VARIANTS)).containsKey("bsale:" + tenant + ":variant:7079");

    Replay.Summary redriven = new Redrive(SharedKafka.broker().clients(), RETENTION, List.of(mapper("bsale")), line -> {})
        .run(started);

    assertThat(redriven.emitted()).isEqualTo(1);
    assertThat(latest(Topics.CANONICAL_STOCK)).hasEntrySatisfying("bsale:" + tenant + ":stock:7079:1", value -> {
      Stock stock = (Stock) value;
      assertThat(List.of(stock.getProductId(), stock.getVariantId(), stock.getSku())).containsExactly("952", "7079", "POL-PIQ-M-AZ");
    });
  }

  @Test
  void aStockAfterItsProductInTheSameReplayIsJoinedWithTheVariantsTheReplayReadEarlier() throws Exception {
    Instant started = Instant.now();
    produce(Topics.RAW_BSALE_RESOURCES, BsaleEnvelopes.envelope(fixture("bsale/product.put.json")));
    produce(Topics.RAW_BSALE_RESOURCES, BsaleEnvelopes.envelope(fixture("bsale/stock.put.json")));

    Replay.Summary summary = replay("bsale", started);

    assertThat(summary.deadLettered()).isZero();
    assertThat(latest(Topics.CANONICAL_STOCK)).hasEntrySatisfying("bsale:" + tenant + ":stock:7079:1",
        value -> assertThat(((Stock) value).getProductId()).isEqualTo("952"));
  }

  private Replay.Summary replay(String provider, Instant from) {
    return new Replay(SharedKafka.broker().clients(), RETENTION, line -> {})
        .run(mapper(provider), new Replay.Window(provider, tenant, from, null));
  }

  private ProviderMapper mapper(String provider) {
    return ProviderMappers.forProvider(provider, settings).orElseThrow();
  }

  /** The tenant's latest value per key of a canonical topic (null for a tombstone), in the order first seen. */
  private Map<String, SpecificRecord> latest(Topic<String, ? extends SpecificRecord> topic) {
    Map<String, SpecificRecord> latest = new LinkedHashMap<>();
    BoundedRead.of(SharedKafka.broker().clients(), topic.name(), null, null).forEach(record -> {
      if (record.key().contains(":" + tenant + ":")) {
        latest.put(record.key(), record.value() == null ? null
            : topic.valueSerde().deserializer().deserialize(record.topic(), record.headers(), record.value()));
      }
    });
    return latest;
  }

  private List<ConsumerRecord<String, byte[]>> deadLetters(String step) {
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    BoundedRead.of(SharedKafka.broker().clients(), Topics.DLQ_NORMALIZER.name(), null, null).forEach(record -> {
      if (tenant.equals(header(record, CloudEventHeaders.TENANT)) && step.equals(header(record, DeadLetterHeaders.STEP))) {
        found.add(record);
      }
    });
    return found;
  }

  private void produce(Topic<String, byte[]> topic, byte[] body) throws Exception {
    RecordHeaders headers = new RecordHeaders();
    headers.add(CloudEventHeaders.ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
    headers.add(CloudEventHeaders.TENANT, tenant.getBytes(StandardCharsets.UTF_8));
    headers.add(CloudEventHeaders.TIME, Instant.now().toString().getBytes(StandardCharsets.UTF_8));
    producer.send(new ProducerRecord<>(topic.name(), null, tenant, body, headers)).get();
  }

  private static byte[] fixture(String path) throws Exception {
    return Files.readAllBytes(Fixtures.root().resolve(path));
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}

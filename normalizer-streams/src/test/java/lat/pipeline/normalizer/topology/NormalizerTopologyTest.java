package lat.pipeline.normalizer.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.dev.testing.PlainAvroSerdes;
import lat.pipeline.normalizer.health.NormalizerMetrics;
import lat.pipeline.normalizer.mapping.Json;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.TestMappers;
import lat.pipeline.normalizer.mapping.TestEvents;
import lat.pipeline.normalizer.bsale.BsaleNotifications;
import lat.pipeline.normalizer.mapping.BsaleEnvelopes;
import lat.pipeline.normalizer.providers.ProviderMappers;
import lat.pipeline.schemas.BsaleResources;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.schemas.DeadLetterHeaders;
import lat.pipeline.schemas.FetchRequests;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import lat.pipeline.schemas.UnreadableRecord;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.Customer;
import lat.pipeline.schemas.canonical.DocumentLine;
import lat.pipeline.schemas.canonical.Event;
import lat.pipeline.schemas.canonical.Product;
import lat.pipeline.schemas.canonical.ProductVariant;
import lat.pipeline.schemas.canonical.Stock;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The topology on TopologyTestDriver, with canonical values as plain Avro binary (no registry); the
 * Confluent wire format through a real registry is the end-to-end module's EndToEndTest.
 */
class NormalizerTopologyTest {

  private static final String TENANT = "acme";
  private static final Instant RECEIVED = Instant.parse("2025-03-01T12:00:00Z");

  private TopologyTestDriver driver;
  private NormalizerMetrics metrics;

  @BeforeAll
  static void plainAvroValues() {
    PlainAvroSerdes.install();
  }

  @BeforeEach
  void startDriver() {
    metrics = NormalizerMetrics.inMemory();
    driver = new TopologyTestDriver(
        new NormalizerTopology(ProviderMappers.all(TestEvents.SETTINGS), Duration.ofDays(7), metrics).build(), driverProperties());
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  @Test
  void aClientFromAlegraBecomesOneCanonicalCustomerKeyedByProviderTenantAndId() throws Exception {
    pipe("alegra", fixture("alegra/new-client.json"), null);

    var customers = read(Topics.CANONICAL_CUSTOMERS);
    assertThat(customers).hasSize(1);
    assertThat(customers.get(0).key()).isEqualTo("alegra:acme:774");
    Customer customer = customers.get(0).value();
    assertThat(customer.getMetadata().getProvider()).isEqualTo("alegra");
    assertThat(customer.getMetadata().getTenant()).isEqualTo(TENANT);
    assertThat(customer.getMetadata().getRawTopic()).isEqualTo("raw.alegra");
    assertThat(customer.getMetadata().getReceivedAt()).isEqualTo(RECEIVED);
  }

  @Test
  void aRedeliveredWebhookYieldsOneCanonicalRecordForEveryProvider() throws Exception {
    for (String provider : List.of("obuma", "alegra", "ninox", "bsale")) {
      for (Path fixture : Fixtures.of(provider)) {
        String eventKey = provider.equals("obuma") ? Fixtures.name(fixture) : null;
        byte[] body = Files.readAllBytes(fixture);
        pipe(provider, body, eventKey);
        // Bsale notifications become fetch requests; the fetcher's answers are mapped (below).
        boolean bsale = provider.equals("bsale");
        int firstDelivery = bsale ? readFetchRequests().size() : countAllCanonical();
        assertThat(firstDelivery).as(fixture.toString()).isPositive();
        // Redelivered: a new receive id and reformatted JSON, the same content.
        pipe(provider, reformat(body), eventKey);
        assertThat(bsale ? readFetchRequests().size() : countAllCanonical()).as("redelivery of " + fixture).isZero();
      }
      String counted = provider.equals("bsale") ? BsaleNotifications.METRICS_TAG : provider;
      // A provider's own delivery id catches a redelivery as a duplicate; without one, the no-op check does.
      assertThat(metrics.count("normalizer_duplicates", counted) + metrics.count("normalizer_unchanged", counted))
          .isPositive();
    }
  }

  // Fails on main before this change: every step was UPDATED; deactivation and return were not told apart.
  @Test
  void aChangeOfTheActiveFlagIsDeactivatedOrReactivatedAndItsRepeatIsANoOp() {
    for (String status : List.of("active", "inactive", "inactive", "active")) {
      String item = "{\"subject\":\"edit-item\",\"message\":{\"item\":{\"id\":\"9\",\"name\":\"Mesa\",\"status\":\"" + status + "\"}}}";
      pipe("alegra", item.getBytes(StandardCharsets.UTF_8), null);
    }

    assertThat(read(Topics.CANONICAL_PRODUCTS)).extracting(r -> r.value().getMetadata().getAction().name())
        .containsExactly("UPDATED", "DEACTIVATED", "REACTIVATED");
  }

  @Test
  void malformedJsonGoesToTheDeadLetterTopicWithItsReasonAndTheTopologyGoesOn() throws Exception {
    byte[] malformed = "{\"subject\": \"new-client\", \"message\": ".getBytes(StandardCharsets.UTF_8);
    pipe("alegra", malformed, null);
    pipe("alegra", fixture("alegra/new-item.json"), null);

    var deadLetters = driver.createOutputTopic(Topics.DLQ_NORMALIZER.name(),
        Topics.DLQ_NORMALIZER.keySerde().deserializer(), Topics.DLQ_NORMALIZER.valueSerde().deserializer())
        .readRecordsToList();
    assertThat(deadLetters).hasSize(1);
    TestRecord<String, byte[]> dead = deadLetters.get(0);
    assertThat(dead.value()).isEqualTo(malformed);
    assertThat(header(dead.headers(), DeadLetterHeaders.STEP)).isEqualTo("parse");
    assertThat(header(dead.headers(), DeadLetterHeaders.REASON)).isNotBlank();
    assertThat(header(dead.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("raw.alegra");
    assertThat(header(dead.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
    assertThat(header(dead.headers(), CloudEventHeaders.TENANT)).isEqualTo(TENANT);
    assertThat(header(dead.headers(), CloudEventHeaders.SOURCE)).isEqualTo("/webhooks/alegra/acme");
    assertThat(read(Topics.CANONICAL_PRODUCTS)).hasSize(1);
  }

  @Test
  void aRecordWithoutTenantHeaderIsDeadLetteredNotDropped() {
    TestInputTopic<String, byte[]> raw = rawTopic("ninox");
    raw.pipeInput(new TestRecord<>(TENANT, "[]".getBytes(StandardCharsets.UTF_8), new RecordHeaders(), RECEIVED));
    var deadLetters = driver.createOutputTopic(Topics.DLQ_NORMALIZER.name(),
        Topics.DLQ_NORMALIZER.keySerde().deserializer(), Topics.DLQ_NORMALIZER.valueSerde().deserializer())
        .readRecordsToList();
    assertThat(deadLetters).hasSize(1);
    assertThat(header(deadLetters.get(0).headers(), DeadLetterHeaders.STEP)).isEqualTo("headers");
  }

  @Test
  void anEventTypeNotKnownYetGoesToCanonicalEvents() throws Exception {
    pipe("alegra", "{\"subject\":\"new-remission\",\"message\":{\"remission\":{\"id\":\"9\"}}}"
        .getBytes(StandardCharsets.UTF_8), null);
    List<TestRecord<String, Event>> events = read(Topics.CANONICAL_EVENTS);
    assertThat(events).hasSize(1);
    assertThat(events.get(0).value().getMetadata().getSourceEventType()).isEqualTo("new-remission");
  }

  @Test
  void anUpdateOlderThanTheLastOneAppliedToTheSameEntityIsCountedNotEmitted() throws Exception {
    String newer = obumaEnvelope("evt-2", "2025-03-01 10:00:00", "NOMBRE NUEVO");
    String older = obumaEnvelope("evt-1", "2025-03-01 09:00:00", "NOMBRE VIEJO");
    pipe("obuma", newer.getBytes(StandardCharsets.UTF_8), null);
    pipe("obuma", older.getBytes(StandardCharsets.UTF_8), null);

    List<TestRecord<String, Product>> products = read(Topics.CANONICAL_PRODUCTS);
    assertThat(products).hasSize(1);
    assertThat(products.get(0).value().getName()).isEqualTo("NOMBRE NUEVO");
    assertThat(metrics.count("normalizer_stale", "obuma")).isEqualTo(1.0);
  }

  @Test
  void aBsaleNotificationBecomesAFetchRequestKeyedByTenantWithItsDeliveryId() throws Exception {
    byte[] notification = fixture("bsale/stock.put.json");
    pipe("bsale", notification, null);

    List<TestRecord<String, byte[]>> requests = readFetchRequests();
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).key()).isEqualTo(TENANT);
    assertThat(FetchRequests.decode(requests.get(0).value()).notification()).isEqualTo(Json.parse(notification, "body"));
    assertThat(header(requests.get(0).headers(), BsaleResources.DELIVERY_ID))
        .isEqualTo("bsale:acme:2:stock:7079:put:1503500856:1");
    assertThat(header(requests.get(0).headers(), CloudEventHeaders.SOURCE)).isEqualTo("/webhooks/bsale/acme");
    assertThat(read(Topics.CANONICAL_STOCK)).isEmpty();
  }

  @Test
  void aBsaleNotificationThatCannotBeParsedIsDeadLettered() {
    pipe("bsale", "{\"cpnId\": 2".getBytes(StandardCharsets.UTF_8), null);

    var deadLetters = driver.createOutputTopic(Topics.DLQ_NORMALIZER.name(),
        Topics.DLQ_NORMALIZER.keySerde().deserializer(), Topics.DLQ_NORMALIZER.valueSerde().deserializer())
        .readRecordsToList();
    assertThat(deadLetters).hasSize(1);
    assertThat(header(deadLetters.get(0).headers(), DeadLetterHeaders.STEP)).isEqualTo("parse");
    assertThat(header(deadLetters.get(0).headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("raw.bsale");
    assertThat(readFetchRequests()).isEmpty();
  }

  @Test
  void aFetchedBsaleStockBecomesCanonicalStockAndAnOlderFetchedStateIsNotEmitted() throws Exception {
    pipeResource(fixture("bsale/variant.put.json"));
    byte[] newer = BsaleEnvelopes.envelope(fixture("bsale/stock.put.json"));
    byte[] older = new String(newer, StandardCharsets.UTF_8).replace("1503500856", "1503500000").getBytes(StandardCharsets.UTF_8);
    pipeTo(Topics.RAW_BSALE_RESOURCES, "bsale", newer);
    pipeTo(Topics.RAW_BSALE_RESOURCES, "bsale", older);

    List<TestRecord<String, Stock>> stock = read(Topics.CANONICAL_STOCK);
    assertThat(stock).hasSize(1);
    assertThat(stock.get(0).key()).isEqualTo("bsale:acme:stock:7079:1");
    assertThat(stock.get(0).value().getQuantity()).isEqualByComparingTo("12");
    assertThat(stock.get(0).value().getMetadata().getRawTopic()).isEqualTo("raw.bsale.resources");
    assertThat(metrics.count("normalizer_stale", "bsale")).isEqualTo(1.0);
  }

  // Fails on main before this change: the stock came out as [8, 7], the return to 8 having the
  // content-hash event id of the first delivery.
  @Test
  void aNinoxStockThatReturnsToAnEarlierQuantityIsEmittedEachTime() {
    for (int units : new int[] {8, 7, 8}) {
      pipe("ninox", ("[{\"articuloId\": 31, \"colorId\": 1, \"talleId\": 2, \"unidades\": " + units + "}]")
          .getBytes(StandardCharsets.UTF_8), null);
    }

    assertThat(read(Topics.CANONICAL_STOCK)).extracting(r -> r.value().getQuantity().intValue()).containsExactly(8, 7, 8);
    // The article itself did not change after the first delivery: one product record.
    assertThat(read(Topics.CANONICAL_PRODUCTS)).hasSize(1);
  }

  // Fails on main before this change: the prices came out as [100, 120].
  @Test
  void anAlegraPriceThatReturnsToAnEarlierAmountIsEmittedEachTime() {
    for (int price : new int[] {100, 120, 100}) {
      pipe("alegra", ("{\"subject\":\"edit-item\",\"message\":{\"item\":{\"id\":\"865\",\"name\":\"Ítem\","
          + "\"price\":[{\"id\":\"1\",\"price\":" + price + "}]}}}").getBytes(StandardCharsets.UTF_8), null);
    }

    assertThat(read(Topics.CANONICAL_PRICES)).extracting(r -> r.value().getNet().getAmount().intValue())
        .containsExactly(100, 120, 100);
  }

  // Fails on main before this change: the second deactivation had the first one's event id, two records.
  @Test
  void aNinoxArticleDeactivatedReactivatedAndDeactivatedAgainGivesThreeRecords() {
    byte[] deactivated = "{\"articuloId\": 77, \"eliminado\": true}".getBytes(StandardCharsets.UTF_8);
    pipe("ninox", deactivated, null);
    pipe("ninox", "[{\"articuloId\": 77, \"colorId\": 1, \"talleId\": 1, \"eliminado\": false}]"
        .getBytes(StandardCharsets.UTF_8), null);
    pipe("ninox", deactivated, null);

    assertThat(read(Topics.CANONICAL_PRODUCTS)).filteredOn(r -> r.value() != null).extracting(r -> r.value().getActive())
        .containsExactly(false, true, false);
  }

  @Test
  void aDeliveryEqualToTheLastStateIsANoOpAndTheSameReceiptStoredTwiceIsADuplicate() {
    byte[] body = "[{\"articuloId\": 32, \"colorId\": 1, \"talleId\": 2, \"unidades\": 5}]".getBytes(StandardCharsets.UTF_8);
    pipe("ninox", body, null);
    pipe("ninox", body, null);
    String receipt = UUID.randomUUID().toString();
    byte[] changed = "[{\"articuloId\": 32, \"colorId\": 1, \"talleId\": 2, \"unidades\": 4}]".getBytes(StandardCharsets.UTF_8);
    pipeTo(Topics.RAW_NINOX, "ninox", changed, null, receipt);
    pipeTo(Topics.RAW_NINOX, "ninox", changed, null, receipt);

    assertThat(read(Topics.CANONICAL_STOCK)).extracting(r -> r.value().getQuantity().intValue()).containsExactly(5, 4);
    // Product and stock of the repeat, and the product (unchanged) of the change.
    assertThat(metrics.count("normalizer_unchanged", "ninox")).isEqualTo(3.0);
    assertThat(metrics.count("normalizer_duplicates", "ninox")).isEqualTo(2.0); // both records of the second copy
  }

  @Test
  void anObumaRedeliveryOfAnEarlierEventIdIsDroppedEvenAfterAnotherChange() {
    String first = obumaEnvelope("evt-a", "2025-03-01 10:00:00", "A");
    pipe("obuma", first.getBytes(StandardCharsets.UTF_8), null);
    pipe("obuma", obumaEnvelope("evt-b", "2025-03-01 10:00:00", "B").getBytes(StandardCharsets.UTF_8), null);
    pipe("obuma", first.getBytes(StandardCharsets.UTF_8), null);
    pipe("obuma", obumaEnvelope("evt-c", "2025-03-01 10:00:00", "A").getBytes(StandardCharsets.UTF_8), null);

    assertThat(read(Topics.CANONICAL_PRODUCTS)).extracting(r -> r.value().getName()).containsExactly("A", "B", "A");
    assertThat(metrics.count("normalizer_duplicates", "obuma")).isEqualTo(1.0);
  }

  private List<TestRecord<String, byte[]>> readFetchRequests() {
    return driver.createOutputTopic(Topics.BSALE_FETCH_REQUESTS.name(),
        Topics.BSALE_FETCH_REQUESTS.keySerde().deserializer(), Topics.BSALE_FETCH_REQUESTS.valueSerde().deserializer())
        .readRecordsToList();
  }

  @Test
  void theStaleGuardIsPerEntityTypeSoAProductDoesNotHoldBackACustomerWithTheSameId() throws Exception {
    pipe("obuma", obumaEnvelope("evt-p", "2025-03-01 10:00:00", "PRODUCTO").getBytes(StandardCharsets.UTF_8), null);
    String customer = "{\"eventId\":\"evt-c\",\"eventType\":\"cliente.updated\",\"eventDate\":\"2025-03-01 09:00:00\","
        + "\"eventData\":{\"cliente_id\":\"77\",\"cliente_razon_social\":\"CLIENTE\"}}";
    pipe("obuma", customer.getBytes(StandardCharsets.UTF_8), null);

    assertThat(read(Topics.CANONICAL_PRODUCTS)).hasSize(1);
    assertThat(read(Topics.CANONICAL_CUSTOMERS)).extracting(TestRecord::key).containsExactly("obuma:acme:77");
    assertThat(metrics.count("normalizer_stale", "obuma")).isZero();
  }

  @Test
  void aMapperThatYieldsNoRecordSendsTheRawRecordToTheDeadLetterTopic() throws Exception {
    ProviderMapper yieldsNothing = TestMappers.yieldingNothing("ninox");
    driver.close();
    driver = new TopologyTestDriver(new NormalizerTopology(List.of(yieldsNothing), Duration.ofDays(7), metrics).build(),
        driverProperties());
    pipe("ninox", fixture("ninox/articulo.complex.json"), null);

    var deadLetters = driver.createOutputTopic(Topics.DLQ_NORMALIZER.name(),
        Topics.DLQ_NORMALIZER.keySerde().deserializer(), Topics.DLQ_NORMALIZER.valueSerde().deserializer())
        .readRecordsToList();
    assertThat(deadLetters).hasSize(1);
    assertThat(header(deadLetters.get(0).headers(), DeadLetterHeaders.REASON)).contains("no record");
  }

  private static String obumaEnvelope(String eventId, String eventDate, String name) {
    return "{\"eventId\":\"" + eventId + "\",\"eventType\":\"producto.updated\",\"eventDate\":\"" + eventDate
        + "\",\"eventData\":{\"producto_id\":\"77\",\"producto_nombre\":\"" + name + "\"}}";
  }

  // Fails on main before this change: the stock was emitted at once, with a null product id and no SKU.
  @Test
  void aBsaleStockForAVariantNotSeenYetIsHeldUntilTheVariantIsFetchedThenEmittedWithItsProductAndSku() throws Exception {
    pipeResource(fixture("bsale/stock.put.json"));

    assertThat(read(Topics.CANONICAL_STOCK)).isEmpty();
    List<TestRecord<String, byte[]>> fetches = readFetchRequests();
    assertThat(fetches).hasSize(1);
    FetchRequests.Request fetch = FetchRequests.decode(fetches.get(0).value());
    assertThat(fetches.get(0).key()).isEqualTo(TENANT);
    assertThat(List.of(fetch.tenant(), fetch.companyId(), fetch.topic(), fetch.resourceId()))
        .containsExactly(TENANT, "2", "variant", "7079");
    assertThat(header(fetches.get(0).headers(), BsaleResources.DELIVERY_ID)).isEqualTo(fetch.deliveryId())
        .isEqualTo("bsale:acme:2:variant:7079:get:1503500856:-");
    assertThat(header(fetches.get(0).headers(), CloudEventHeaders.TENANT)).isEqualTo(TENANT);
    assertThat(metrics.count("normalizer_held_for_variant", "bsale")).isEqualTo(1.0);

    pipeFetched(fetch);

    List<TestRecord<String, ProductVariant>> variants = read(Topics.CANONICAL_VARIANTS);
    assertThat(variants).singleElement().satisfies(v -> {
      assertThat(v.key()).isEqualTo("bsale:acme:variant:7079");
      assertThat(v.value().getProductId()).isEqualTo("952");
      assertThat(v.value().getMetadata().getAction()).isEqualTo(Action.UPSERTED);
    });
    List<TestRecord<String, Stock>> stock = read(Topics.CANONICAL_STOCK);
    assertThat(stock).singleElement().satisfies(s -> {
      assertThat(s.key()).isEqualTo("bsale:acme:stock:7079:1");
      assertThat(List.of(s.value().getProductId(), s.value().getVariantId(), s.value().getSku()))
          .containsExactly("952", "7079", "POL-PIQ-M-AZ");
      assertThat(s.value().getQuantity()).isEqualByComparingTo("12");
    });
    assertThat(readFetchRequests()).isEmpty();
  }

  // Fails on main before this change: Price.productId held the variant id (7079).
  @Test
  void aBsalePriceOfAVariantKnownFromItsExpandedProductIsEmittedAtOnceWithTheProductId() throws Exception {
    pipeResource(fixture("bsale/product.put.json"));
    assertThat(read(Topics.CANONICAL_VARIANTS)).extracting(TestRecord::key)
        .containsExactly("bsale:acme:variant:7079", "bsale:acme:variant:7080");

    pipeResource(fixture("bsale/price.put.json"));

    assertThat(read(Topics.CANONICAL_PRICES)).singleElement().satisfies(p -> {
      assertThat(p.value().getProductId()).isEqualTo("952");
      assertThat(p.value().getVariantId()).isEqualTo("7079");
    });
    assertThat(readFetchRequests()).isEmpty();
  }

  @Test
  void aBsaleDocumentWaitsForEveryVariantItsLinesNameAndIsEmittedOnceWithAllOfThemJoined() throws Exception {
    pipeResource(sample("bsale/document.post.json"));
    List<FetchRequests.Request> fetches = readFetchRequests().stream().map(r -> decode(r.value())).toList();
    assertThat(fetches).extracting(FetchRequests.Request::resourceId).containsExactly("7079", "7080");

    pipeFetched(fetches.get(0));
    assertThat(read(Topics.CANONICAL_DOCUMENTS)).isEmpty();
    pipeFetched(fetches.get(1));

    assertThat(read(Topics.CANONICAL_DOCUMENTS)).singleElement().satisfies(d -> assertThat(d.value().getLines())
        .extracting(DocumentLine::getVariantId, DocumentLine::getProductId, DocumentLine::getSku)
        .containsExactly(tuple("7079", "952", "POL-PIQ-M-AZ"), tuple("7080", "952", "POL-PIQ-L-AZ")));
  }

  // Fails on main before this change: the variant notification wrote a product record with only ids,
  // erasing the product's name and state.
  @Test
  void aBsaleVariantEventLeavesItsProductUntouched() throws Exception {
    pipeResource(fixture("bsale/product.put.json"));
    assertThat(read(Topics.CANONICAL_PRODUCTS)).singleElement()
        .satisfies(p -> assertThat(p.value().getVariants()).hasSize(2));
    assertThat(read(Topics.CANONICAL_VARIANTS)).hasSize(2);

    pipeResource(new String(fixture("bsale/variant.post.json"), StandardCharsets.UTF_8)
        .replace("1503500856", "1503600000").getBytes(StandardCharsets.UTF_8));

    assertThat(read(Topics.CANONICAL_PRODUCTS)).isEmpty();
    assertThat(read(Topics.CANONICAL_VARIANTS)).singleElement()
        .satisfies(v -> assertThat(v.value().getMetadata().getAction()).isEqualTo(Action.CREATED));
  }

  // Fails on main before this change: a deletion was one DELETED record, which a compacted topic keeps for ever.
  @Test
  void aDeletionIsItsDeletedRecordFollowedByATombstoneAndTheVariantKeepsItsProductForLaterRecords() throws Exception {
    pipeResource(fixture("bsale/variant.put.json"));
    pipeResource(new String(sample("bsale/variant.put.gone.json"), StandardCharsets.UTF_8).replace("7081", "7079")
        .getBytes(StandardCharsets.UTF_8));

    List<TestRecord<String, ProductVariant>> variants = read(Topics.CANONICAL_VARIANTS);
    assertThat(variants).extracting(TestRecord::key).containsOnly("bsale:acme:variant:7079").hasSize(3);
    assertThat(variants.get(1).value().getMetadata().getAction()).isEqualTo(Action.DELETED);
    assertThat(variants.get(2).value()).isNull();

    pipeResource(fixture("bsale/stock.put.json"));
    assertThat(read(Topics.CANONICAL_STOCK)).singleElement()
        .satisfies(s -> assertThat(s.value().getProductId()).isEqualTo("952"));
    assertThat(readFetchRequests()).isEmpty();
  }

  @Test
  void aRedeliveredStockWhileItsVariantIsFetchedIsHeldOnceAndEmittedOnce() throws Exception {
    byte[] stock = BsaleEnvelopes.envelope(fixture("bsale/stock.put.json"));
    pipeTo(Topics.RAW_BSALE_RESOURCES, "bsale", stock);
    pipeTo(Topics.RAW_BSALE_RESOURCES, "bsale", stock);
    List<TestRecord<String, byte[]>> fetches = readFetchRequests();
    assertThat(fetches).hasSize(1);

    pipeFetched(decode(fetches.get(0).value()));

    assertThat(read(Topics.CANONICAL_STOCK)).hasSize(1);
    assertThat(metrics.count("normalizer_duplicates", "bsale")).isEqualTo(1.0);
  }

  // Fails on main before this change: the item's prices and stock stayed in their topics after the item was deleted.
  @Test
  void aDeletedProductRetractsItsPricesAndStockWhileADeactivatedOneKeepsThem() throws Exception {
    byte[] item = fixture("alegra/new-item.json");
    pipe("alegra", item, null);
    List<String> dependents = new java.util.ArrayList<>();
    read(Topics.CANONICAL_PRICES).forEach(r -> dependents.add(r.key()));
    read(Topics.CANONICAL_STOCK).forEach(r -> dependents.add(r.key()));
    assertThat(dependents).contains("alegra:acme:865:123", "alegra:acme:865:124");

    pipe("alegra", new String(item, StandardCharsets.UTF_8).replace("new-item", "edit-item")
        .replace("\"active\"", "\"inactive\"").getBytes(StandardCharsets.UTF_8), null);
    assertThat(read(Topics.CANONICAL_PRODUCTS)).hasSize(2).last().satisfies(p -> assertThat(p.value().getActive()).isFalse());
    // Deactivated: the prices stay (updated, as the edit repeats them), none is retracted.
    assertThat(read(Topics.CANONICAL_PRICES)).isNotEmpty().allSatisfy(r -> assertThat(r.value()).isNotNull());
    assertThat(read(Topics.CANONICAL_STOCK)).isNotEmpty().allSatisfy(r -> assertThat(r.value()).isNotNull());

    pipe("alegra", "{\"subject\":\"delete-item\",\"message\":{\"id\":\"865\"}}".getBytes(StandardCharsets.UTF_8), null);

    assertThat(read(Topics.CANONICAL_PRODUCTS)).extracting(r -> r.value() == null ? null : r.value().getMetadata().getAction())
        .containsExactly(Action.DELETED, null);
    List<TestRecord<String, ? extends SpecificRecord>> retracted = new java.util.ArrayList<>(read(Topics.CANONICAL_PRICES));
    retracted.addAll(read(Topics.CANONICAL_STOCK));
    assertThat(retracted).extracting(TestRecord::key).containsExactlyInAnyOrderElementsOf(dependents);
    assertThat(retracted).allSatisfy(r -> assertThat(r.value()).isNull());

    // Created again: its prices are new again, not a no-op against what was retracted.
    pipe("alegra", item, null);
    assertThat(read(Topics.CANONICAL_PRICES)).extracting(TestRecord::key).contains("alegra:acme:865:123", "alegra:acme:865:124");
  }

  @Test
  void aBsaleProductBsaleNoLongerHasRetractsTheStockOfItsVariants() throws Exception {
    pipeResource(fixture("bsale/product.put.json"));
    pipeResource(fixture("bsale/stock.put.json"));
    assertThat(read(Topics.CANONICAL_STOCK)).hasSize(1);

    pipeResource(("{\"notification\": {\"cpnId\": 2, \"resourceId\": \"952\", \"topic\": \"product\", \"action\": \"put\","
        + " \"send\": 1503600000}, \"request\": \"/v1/products/952.json\", \"status\": 404, \"body\": {\"error\": \"not found\"}}")
        .getBytes(StandardCharsets.UTF_8));

    assertThat(read(Topics.CANONICAL_STOCK)).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("bsale:acme:stock:7079:1");
      assertThat(r.value()).isNull();
    });
  }

  /** A Bsale notification as the fetcher answers it (the simulator's data) on raw.bsale.resources. */
  private void pipeResource(byte[] notification) {
    pipeTo(Topics.RAW_BSALE_RESOURCES, "bsale", BsaleEnvelopes.envelope(notification));
  }

  /** The fetcher's answer to a fetch request the normalizer made. */
  private void pipeFetched(FetchRequests.Request fetch) {
    pipeResource(fetch.notification().toString().getBytes(StandardCharsets.UTF_8));
  }

  private static FetchRequests.Request decode(byte[] value) {
    try {
      return FetchRequests.decode(value);
    } catch (UnreadableRecord e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] sample(String path) throws Exception {
    return Files.readAllBytes(Path.of("src/test/resources/samples").resolve(path));
  }

  private void pipe(String provider, byte[] body, String eventKey) {
    pipeTo(Topics.rawFor(provider).orElseThrow(), provider, body, eventKey);
  }

  private void pipeTo(Topic<String, byte[]> topic, String provider, byte[] body) {
    pipeTo(topic, provider, body, null);
  }

  private void pipeTo(Topic<String, byte[]> topic, String provider, byte[] body, String eventKey) {
    pipeTo(topic, provider, body, eventKey, UUID.randomUUID().toString());
  }

  private void pipeTo(Topic<String, byte[]> topic, String provider, byte[] body, String eventKey, String receiveId) {
    Headers headers = new RecordHeaders();
    add(headers, CloudEventHeaders.SPEC_VERSION, "1.0");
    add(headers, CloudEventHeaders.ID, receiveId);
    add(headers, CloudEventHeaders.SOURCE, CloudEventHeaders.source(provider, TENANT));
    add(headers, CloudEventHeaders.TYPE, eventKey != null ? eventKey : CloudEventHeaders.defaultType(provider));
    add(headers, CloudEventHeaders.TIME, RECEIVED.toString());
    add(headers, CloudEventHeaders.CONTENT_TYPE, "application/json");
    add(headers, CloudEventHeaders.TENANT, TENANT);
    driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer())
        .pipeInput(new TestRecord<>(TENANT, body, headers, RECEIVED));
  }

  private TestInputTopic<String, byte[]> rawTopic(String provider) {
    Topic<String, byte[]> raw = Topics.rawFor(provider).orElseThrow();
    return driver.createInputTopic(raw.name(), raw.keySerde().serializer(), raw.valueSerde().serializer());
  }

  private <V extends SpecificRecord> List<TestRecord<String, V>> read(Topic<String, V> topic) {
    TestOutputTopic<String, V> output = driver.createOutputTopic(
        topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    return output.readRecordsToList();
  }

  private int countAllCanonical() {
    return Topics.CANONICAL.stream().mapToInt(topic -> read(topic).size()).sum();
  }

  /** The same JSON content with other white space, as a redelivery may format it. */
  private static byte[] reformat(byte[] json) {
    return new String(json, StandardCharsets.UTF_8).replace("\n", "\r\n  ").getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] fixture(String path) throws Exception {
    return Files.readAllBytes(Fixtures.root().resolve(path));
  }

  private static void add(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String header(Headers headers, String name) {
    var header = headers.lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static Properties driverProperties() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "normalizer-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, tempDir().toString());
    return props;
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("normalizer-topology-test");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

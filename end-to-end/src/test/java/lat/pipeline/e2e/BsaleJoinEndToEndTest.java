package lat.pipeline.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import lat.pipeline.dev.bsale.BsaleCatalog;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.dev.testing.SharedRegistry;
import lat.pipeline.dev.testing.TestServices;
import lat.pipeline.fetcher.FetcherConfig;
import lat.pipeline.fetcher.FetcherService;
import lat.pipeline.normalizer.NormalizerConfig;
import lat.pipeline.normalizer.NormalizerService;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import lat.pipeline.schemas.canonical.Price;
import lat.pipeline.schemas.canonical.Product;
import lat.pipeline.schemas.canonical.ProductVariant;
import lat.pipeline.schemas.canonical.Stock;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bsale from notification to canonical record on a real broker and registry: notifications on
 * {@code raw.bsale}, the normalizer, and the fetcher calling WireMock with the simulator's answers.
 * Each test uses its own company and tenant, so each starts with an empty variant table.
 */
@ExtendWith({SharedKafka.class, SharedRegistry.class})
class BsaleJoinEndToEndTest {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String STOCK_TENANT = "stock-" + RUN;
  private static final String PRICE_TENANT = "price-" + RUN;
  private static final String PRODUCT_TENANT = "product-" + RUN;

  private static TestServices services;
  private static KafkaProducer<String, byte[]> producer;

  @BeforeAll
  static void start() throws Exception {
    services = TestServices.onSharedStack("bsale-join");
    WireMockServer bsale = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    bsale.start();
    services.closeAtEnd(bsale::stop);
    for (String path : List.of("/v1/products/952.json?expand=%5Bvariants%5D", "/v1/variants/7079.json",
        "/v1/stocks.json?variantid=7079&officeid=1", "/v1/price_lists/2/details.json?variantid=7079")) {
      bsale.stubFor(get(urlEqualTo(path)).willReturn(okJson(BsaleCatalog.answer(path).body())));
    }
    // Company 43 renamed the variant since its product was fetched.
    bsale.stubFor(get(urlEqualTo("/v1/variants/7079.json")).withHeader("access_token", equalTo("token-43")).atPriority(1)
        .willReturn(okJson(BsaleCatalog.VARIANT_7079.replace("Talla M Azul", "Talla M Azul marino"))));
    services.with("FETCHER_COALESCE_WINDOW_MS", "50")
        .with("BSALE_API_URL", bsale.baseUrl())
        .with("BSALE_TOKENS", "41=token-41,42=token-42,43=token-43")
        .with("BSALE_COMPANY_TENANTS", "41=" + STOCK_TENANT + ",42=" + PRICE_TENANT + ",43=" + PRODUCT_TENANT)
        // Prices carry money, and Bsale names no currency: the tenants' settings give it.
        .with("TENANT_SETTINGS", String.join(",", "bsale:" + STOCK_TENANT + "=CLP@America/Santiago",
            "bsale:" + PRICE_TENANT + "=CLP@America/Santiago", "bsale:" + PRODUCT_TENANT + "=CLP@America/Santiago"));
    services.start(() -> new NormalizerService(NormalizerConfig.fromEnv(services.env()), () -> {}).start());
    services.start(() -> new FetcherService(FetcherConfig.fromEnv(services.env())).start());
    producer = services.closeAtEnd(new KafkaProducer<>(Map.of("bootstrap.servers", SharedKafka.broker().bootstrapServers(), "acks", "all"),
        new StringSerializer(), new ByteArraySerializer()));
  }

  @AfterAll
  static void stop() {
    services.close();
  }

  // Fails on main before this change: the stock came out at once with a null product id and no SKU.
  @Test
  void aStockNotificationForAVariantNeverSeenEndsAsOneStockRecordWithTheFetchedVariantsProductAndSku() throws Exception {
    notify(STOCK_TENANT, 41, "stock.put");

    String key = "bsale:" + STOCK_TENANT + ":stock:7079:1";
    List<Stock> stock = awaitValues(Topics.CANONICAL_STOCK, key);
    assertThat(stock).singleElement().satisfies(s -> {
      assertThat(s.getProductId()).isEqualTo("952");
      assertThat(s.getVariantId()).isEqualTo("7079");
      assertThat(s.getSku()).isEqualTo("POL-PIQ-M-AZ");
      assertThat(s.getQuantity()).isEqualByComparingTo("12");
    });
    assertThat(awaitValues(Topics.CANONICAL_VARIANTS, "bsale:" + STOCK_TENANT + ":variant:7079"))
        .extracting(ProductVariant::getProductId).containsExactly("952");
  }

  // Fails on main before this change: the price's product id was the variant id, 7079.
  @Test
  void aPriceNotificationForAVariantNeverSeenEndsAsOnePriceRecordWithTheFetchedVariantsProduct() throws Exception {
    notify(PRICE_TENANT, 42, "price.put");

    List<Price> prices = awaitValues(Topics.CANONICAL_PRICES, "bsale:" + PRICE_TENANT + ":price:7079:2");
    assertThat(prices).singleElement().satisfies(p -> {
      assertThat(p.getProductId()).isEqualTo("952");
      assertThat(p.getVariantId()).isEqualTo("7079");
      assertThat(p.getNet().getAmount()).isEqualByComparingTo("8395");
    });
  }

  // Fails on main before this change: the variant notification wrote product 952 with no name and no state.
  @Test
  void aVariantEventLeavesItsProductsNameAndStateUntouched() throws Exception {
    notify(PRODUCT_TENANT, 43, "product.put");
    String productKey = "bsale:" + PRODUCT_TENANT + ":product:952";
    assertThat(awaitValues(Topics.CANONICAL_PRODUCTS, productKey)).hasSize(1);

    notify(PRODUCT_TENANT, 43, "variant.put", 1_503_600_000L);
    List<ProductVariant> variants = awaitValues(Topics.CANONICAL_VARIANTS, "bsale:" + PRODUCT_TENANT + ":variant:7079",
        all -> all.stream().anyMatch(v -> v.getName().equals("Talla M Azul marino")));

    assertThat(variants).extracting(ProductVariant::getName).containsExactly("Talla M Azul", "Talla M Azul marino");
    // Read after the variant's record: a product record from the same event would be in the same transaction.
    assertThat(awaitValues(Topics.CANONICAL_PRODUCTS, productKey)).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("Polera Piqué");
      assertThat(p.getActive()).isTrue();
      assertThat(p.getVariants()).hasSize(2);
    });
  }

  private static void notify(String tenant, int company, String fixture) throws Exception {
    notify(tenant, company, fixture, null);
  }

  /** What the receiver stores for a Bsale notification of the fixture, for the company (and a later send). */
  private static void notify(String tenant, int company, String fixture, Long send) throws Exception {
    String body = Files.readString(Fixtures.root().resolve("bsale/" + fixture + ".json"))
        .replace("\"cpnId\": 2", "\"cpnId\": " + company);
    if (send != null) {
      body = body.replace("1503500856", send.toString());
    }
    RecordHeaders headers = new RecordHeaders();
    headers.add(CloudEventHeaders.SPEC_VERSION, bytes("1.0"));
    headers.add(CloudEventHeaders.ID, bytes(UUID.randomUUID().toString()));
    headers.add(CloudEventHeaders.SOURCE, bytes(CloudEventHeaders.source("bsale", tenant)));
    headers.add(CloudEventHeaders.TYPE, bytes(CloudEventHeaders.defaultType("bsale")));
    headers.add(CloudEventHeaders.TIME, bytes(Instant.now().toString()));
    headers.add(CloudEventHeaders.CONTENT_TYPE, bytes("application/json"));
    headers.add(CloudEventHeaders.TENANT, bytes(tenant));
    producer.send(new ProducerRecord<>(Topics.RAW_BSALE.name(), null, tenant, bytes(body), headers)).get();
  }

  private static <V extends SpecificRecord> List<V> awaitValues(Topic<String, V> topic, String key) throws Exception {
    return awaitValues(topic, key, all -> !all.isEmpty());
  }

  /** Every committed value of the key, read to the end of the topic once the condition holds. */
  private static <V extends SpecificRecord> List<V> awaitValues(Topic<String, V> topic, String key, Predicate<List<V>> done)
      throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(deadline)) {
      List<V> values = readAll(topic, key);
      if (done.test(values)) {
        return values;
      }
    }
    throw new AssertionError("no record of " + key + " in " + topic.name() + " as expected within 90 s");
  }

  private static <V extends SpecificRecord> List<V> readAll(Topic<String, V> topic, String key) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.broker().bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<V> values = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (key.equals(record.key())) {
            values.add(topic.valueSerde().deserializer().deserialize(topic.name(), record.headers(), record.value()));
          }
        }
      }
    }
    return values;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

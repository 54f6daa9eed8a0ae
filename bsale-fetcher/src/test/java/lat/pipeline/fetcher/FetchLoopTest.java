package lat.pipeline.fetcher;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import lat.pipeline.config.Env;
import lat.pipeline.dev.bsale.BsaleCatalog;
import lat.pipeline.fetcher.client.BsaleClient;
import lat.pipeline.fetcher.limits.CompanyLimits;
import lat.pipeline.normalizer.bsale.BsaleNotifications;
import lat.pipeline.schemas.FetchRequests;
import lat.pipeline.schemas.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fetch loop on a {@link MockConsumer} (so a rebalance and a dying consumer can be placed
 * exactly), with WireMock as the Bsale API and a {@link MockProducer}.
 */
class FetchLoopTest {

  private static final String REQUESTS = "bsale.fetch-requests";
  private static final TopicPartition P0 = new TopicPartition(REQUESTS, 0);
  private static final TopicPartition P1 = new TopicPartition(REQUESTS, 1);

  private WireMockServer bsale;
  private ExecutorService http;
  private ScheduledExecutorService scheduler;
  private MockConsumer<String, byte[]> consumer;
  private MockProducer<String, byte[]> producer;
  private FetcherMetrics metrics;
  private FetchLoop loop;
  private Thread thread;

  @BeforeEach
  void start() throws Exception {
    bsale = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    bsale.start();
    Map<String, String> env = new HashMap<>();
    env.put("BSALE_API_URL", bsale.baseUrl());
    env.put("BSALE_TOKENS", "22=token-22");
    env.put("BSALE_COMPANY_TENANTS", "22=acme");
    env.put("BSALE_TOKENS_DIR", Files.createTempDirectory("fetch-loop-tokens").toString());
    env.put("FETCHER_COALESCE_WINDOW_MS", "0");
    env.put("FETCHER_PARKED_RECHECK_MS", "100");
    env.put("FETCHER_REQUEST_TIMEOUT_MS", "3000");
    env.put("FETCHER_BACKOFF_BASE_MS", "10");
    env.put("FETCHER_MAX_ATTEMPTS", "2");
    FetcherConfig config = FetcherConfig.fromEnv(new Env(env));
    http = Executors.newFixedThreadPool(2);
    scheduler = Executors.newScheduledThreadPool(1);
    metrics = new FetcherMetrics(new SimpleMeterRegistry());
    producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    Topic<String, byte[]> resources = new Topic<>("raw.bsale.resources", Topic.Role.RAW, Serdes.String(), Serdes.ByteArray());
    ResourceFetcher fetcher = new ResourceFetcher(new BsaleClient(config.apiUrl(), config.requestTimeout(), http),
        new CompanyLimits(config.limits(), scheduler), producer, resources, metrics, config.maxWait());
    consumer = new MockConsumer<>("earliest");
    Topic<String, byte[]> deadLetters = new Topic<>("dlq.normalizer", Topic.Role.DEAD_LETTER, Serdes.String(), Serdes.ByteArray());
    loop = new FetchLoop(consumer, REQUESTS, fetcher, new DeadLetterWriter(producer, deadLetters, metrics), metrics, config);
  }

  @AfterEach
  void stop() throws Exception {
    loop.stop();
    thread.join(15_000);
    http.shutdownNow();
    scheduler.shutdownNow();
    bsale.stop();
  }

  // Fails on main before this change: alive() read only the running flag, so /health/live stayed
  // up after the loop had died.
  @Test
  void theLoopIsNotAliveOnceItHasDied() throws Exception {
    consumer.setPollException(new KafkaException("the consumer failed for good"));
    startLoop();
    awaitUntil(() -> !thread.isAlive());
    assertThat(loop.alive()).isFalse();
  }

  // Fails on main before this change: the probe's partition was revoked while it was in flight, its
  // answer was dropped without telling the parking lot, and the company stayed "probing" and parked
  // for ever: the notification on the partition it kept was never fetched.
  @Test
  void aProbeInFlightDuringARebalanceDoesNotLeaveItsCompanyParkedForEver() throws Exception {
    bsale.stubFor(get(urlEqualTo("/v1/variants/2201.json")).willReturn(aResponse().withStatus(401)));
    bsale.stubFor(get(urlEqualTo("/v1/variants/2202.json")).willReturn(okJson("{\"id\":2202}")));
    consumer.schedulePollTask(() -> {
      consumer.rebalance(List.of(P0, P1));
      consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
      consumer.addRecord(request(P0, 0, "2201"));
    });
    startLoop();
    awaitUntil(() -> bsale.findAll(getRequestedFor(urlEqualTo("/v1/variants/2201.json"))).size() == 1);

    // The token works again, but the answer to the re-check (the probe) is slow...
    bsale.stubFor(get(urlEqualTo("/v1/variants/2201.json")).willReturn(okJson("{\"id\":2201}").withFixedDelay(1_000)));
    awaitUntil(() -> bsale.findAll(getRequestedFor(urlEqualTo("/v1/variants/2201.json"))).size() == 2);
    // ... and meanwhile the probe's partition goes to another instance, and a notification comes on the other.
    consumer.schedulePollTask(() -> {
      consumer.rebalance(List.of(P1));
      consumer.addRecord(request(P1, 0, "2202"));
    });

    awaitUntil(() -> written("2202"));
  }

  // A resource Bsale never answers for parks its company (an outage looks the same); the re-checks
  // take the company's waiting fetches in turn, so the others still get through.
  @Test
  void oneResourceBsaleNeverAnswersDoesNotHoldUpItsCompanysOtherFetches() throws Exception {
    bsale.stubFor(get(urlEqualTo("/v1/variants/2203.json")).willReturn(aResponse().withStatus(503)));
    bsale.stubFor(get(urlEqualTo("/v1/variants/2204.json")).willReturn(okJson("{\"id\":2204}")));
    consumer.schedulePollTask(() -> {
      consumer.rebalance(List.of(P0));
      consumer.updateBeginningOffsets(Map.of(P0, 0L));
      consumer.addRecord(request(P0, 0, "2203"));
    });
    startLoop();
    awaitUntil(() -> metrics.count("bsale_fetcher_parked", "22") >= 1);
    consumer.schedulePollTask(() -> consumer.addRecord(request(P0, 1, "2204")));

    awaitUntil(() -> written("2204"));
    assertThat(written("2203")).isFalse();
  }

  // Fails on main before this change: only the first page (25) of the product's 60 variants was
  // written, so 35 variants never became records and their stock and prices waited for fetches.
  @Test
  void everyPageOfAProductsExpandedVariantsIsReadUnderTheCompanysRateLimit() throws Exception {
    List<String> variants = IntStream.range(0, 60).mapToObj(i -> BsaleCatalog.VARIANT_7079
        .replace("7079", Integer.toString(30_000 + i)).replace("POL-PIQ-M-AZ", "SKU-" + i)).toList();
    String path = "/v1/products/952/variants.json";
    bsale.stubFor(get(urlEqualTo("/v1/products/952.json?expand=%5Bvariants%5D")).willReturn(okJson(BsaleCatalog.PRODUCT_952
        .replace("{\"href\":\"" + BsaleCatalog.HREF_BASE + path + "\"}", BsaleCatalog.page(path, variants, 25, 0)))));
    bsale.stubFor(get(urlEqualTo(path + "?limit=50&offset=25")).willReturn(okJson(BsaleCatalog.page(path, variants, 50, 25))));
    consumer.schedulePollTask(() -> {
      consumer.rebalance(List.of(P0));
      consumer.updateBeginningOffsets(Map.of(P0, 0L));
      consumer.addRecord(request(P0, 0, "product", "952"));
    });
    startLoop();
    awaitUntil(() -> written("952"));

    JsonNode envelope = new ObjectMapper().readTree(producer.history().get(0).value());
    JsonNode listed = envelope.path("body").path("variants");
    assertThat(listed.path("count").asInt()).isEqualTo(60);
    assertThat(listed.path("items")).extracting(item -> item.path("id").asText())
        .containsExactlyElementsOf(IntStream.range(0, 60).mapToObj(i -> Integer.toString(30_000 + i)).toList());
    // Both pages went through the company's limiter: the API-call timer is recorded inside its permit.
    // (Not a gap between the calls: the limiter grants one permit per 200 ms cycle, so two calls in
    // adjacent cycles can be any distance apart.)
    assertThat(bsale.getAllServeEvents()).hasSize(2);
    assertThat(metrics.apiCalls("22")).isEqualTo(2);
  }

  private boolean written(String resourceId) {
    return producer.history().stream()
        .anyMatch(record -> new String(record.value(), StandardCharsets.UTF_8).contains("\"resourceId\":\"" + resourceId + "\""));
  }

  private static ConsumerRecord<String, byte[]> request(TopicPartition partition, long offset, String variant) {
    return request(partition, offset, "variant", variant);
  }

  private static ConsumerRecord<String, byte[]> request(TopicPartition partition, long offset, String topic, String id) {
    String notification = "{\"cpnId\":22,\"resourceId\":\"" + id + "\",\"topic\":\"" + topic + "\",\"action\":\"put\",\"send\":1}";
    FetchRequests.Request request = BsaleNotifications.fetchRequest("acme", notification.getBytes(StandardCharsets.UTF_8));
    return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, "acme", FetchRequests.encode(request));
  }

  private void startLoop() {
    thread = new Thread(loop, "fetch-loop-under-test");
    thread.start();
  }

  private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
    Instant until = Instant.now().plusSeconds(10);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(until)) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }
}

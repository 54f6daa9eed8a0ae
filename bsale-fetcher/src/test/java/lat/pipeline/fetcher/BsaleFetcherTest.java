package lat.pipeline.fetcher;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import lat.pipeline.config.Env;
import lat.pipeline.dev.bsale.BsaleCatalog;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.normalizer.bsale.BsaleNotifications;
import lat.pipeline.normalizer.providers.bsale.BsaleMapper;
import lat.pipeline.schemas.BsaleResources;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.schemas.DeadLetterHeaders;
import lat.pipeline.schemas.FetchRequests;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.Document;
import lat.pipeline.schemas.canonical.Price;
import lat.pipeline.schemas.canonical.Product;
import lat.pipeline.schemas.canonical.ProductVariant;
import lat.pipeline.schemas.canonical.Stock;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
 * The fetcher against WireMock as the Bsale API and a real broker: one fetcher for the class (50
 * requests/s per company, 300 ms coalescing window, 400 ms request timeout, 4 attempts, 2.5 s wait
 * bound, parked companies re-checked every 300 ms), each test with its own companies, each company
 * bound to one tenant. Topics have one partition so committed offsets are easy to reason about.
 */
@ExtendWith(SharedKafka.class)
class BsaleFetcherTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RATE = 50;
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final Topic<String, byte[]> REQUESTS = topic("test.bsale.fetch-requests." + RUN);
  private static final Topic<String, byte[]> RESOURCES = topic("test.raw.bsale.resources." + RUN);
  private static final Topic<String, byte[]> DEAD_LETTERS = topic("test.dlq." + RUN);
  private static final Duration MAX_WAIT = Duration.ofMillis(2_500);
  private static final String GROUP = "bsale-fetcher-test-" + RUN;

  private static WireMockServer bsale;
  private static Path tokensDir;
  private static FetcherService fetcher;
  private static KafkaProducer<String, byte[]> producer;
  private static final ConcurrentLinkedQueue<ConsumerRecord<String, byte[]>> written = new ConcurrentLinkedQueue<>();
  private static final ConcurrentLinkedQueue<ConsumerRecord<String, byte[]>> deadLettered = new ConcurrentLinkedQueue<>();
  private static Thread reader;
  private static volatile boolean reading = true;

  @BeforeAll
  static void start() throws Exception {
    bsale = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").containerThreads(20));
    bsale.start();
    tokensDir = Files.createTempDirectory("bsale-tokens");
    Files.writeString(tokensDir.resolve("22.token"), "bad-22\n");
    Files.writeString(tokensDir.resolve("27.token"), "bad-27\n");
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", SharedKafka.broker().bootstrapServers());
    env.put("FETCHER_GROUP_ID", GROUP);
    env.put("BSALE_API_URL", bsale.baseUrl());
    env.put("BSALE_TOKENS", "2=token-2,20=token-20,21=token-21,23=token-23,24=token-24,25=token-25,26=token-26,"
        + "28=token-28,29=token-29,98=token-98,30=burst-30,31=burst-31,32=burst-32,33=burst-33");
    env.put("BSALE_COMPANY_TENANTS", "2=fx,20=retry,21=slow,22=parked,23=fast,24=gone,25=burst-one,26=flowing,"
        + "27=long-parked,28=outage,29=redirect,30=rate-0,31=rate-1,32=rate-2,33=rate-3");
    env.put("BSALE_TOKENS_DIR", tokensDir.toString());
    env.put("FETCHER_RATE_PER_SECOND", Integer.toString(RATE));
    env.put("FETCHER_COALESCE_WINDOW_MS", "300");
    env.put("FETCHER_REQUEST_TIMEOUT_MS", "400");
    env.put("FETCHER_MAX_WAIT_MS", Long.toString(MAX_WAIT.toMillis()));
    env.put("FETCHER_MAX_ATTEMPTS", "4");
    env.put("FETCHER_BACKOFF_BASE_MS", "50");
    env.put("FETCHER_PARKED_RECHECK_MS", "300");
    env.put("FETCHER_HEALTH_PORT", "0");
    env.put("TOPIC_PARTITIONS", "1");
    fetcher = new FetcherService(FetcherConfig.fromEnv(new Env(env)),
        new FetcherService.FetcherTopics(REQUESTS, RESOURCES, DEAD_LETTERS)).start();
    producer = SharedKafka.broker().clients().producer(Map.of("acks", "all",
        "linger.ms", 5), new StringSerializer(), new ByteArraySerializer());
    reader = new Thread(BsaleFetcherTest::readResources, "resources-reader");
    reader.start();
    awaitUntil(Duration.ofSeconds(30), fetcher::ready);
  }

  @AfterAll
  static void stop() throws Exception {
    reading = false;
    reader.join(5_000);
    producer.close();
    fetcher.close();
    bsale.stop();
  }

  @Test
  void eachNotificationFixtureIsFetchedIntoAnEnvelopeThatMapsToItsCanonicalRecord() throws Exception {
    for (String name : List.of("product.post", "product.put", "variant.post", "variant.put", "price.put", "stock.put")) {
      stubCatalog(name);
    }
    stubDocument51();
    List<Path> notifications = new ArrayList<>(Fixtures.of("bsale"));
    // The document notification is a sample of the normalizer's tests (fixtures/bsale has none).
    notifications.add(Path.of("../normalizer-streams/src/test/resources/samples/bsale/document.post.json"));
    String tenant = "fx"; // company 2's tenant
    for (Path file : notifications) {
      // One at a time: product.post and product.put would otherwise coalesce into one fetch.
      byte[] notification = Files.readAllBytes(file);
      String deliveryId = BsaleNotifications.fetchRequest(tenant, notification).deliveryId();
      send(tenant, notification);
      ConsumerRecord<String, byte[]> record = awaitOne(r -> deliveryId.equals(header(r, BsaleResources.DELIVERY_ID)));
      JsonNode envelope = JSON.readTree(record.value());
      assertThat(envelope.path("status").asInt()).as(tenant).isEqualTo(200);
      assertThat(envelope.path("notification")).isEqualTo(JSON.readTree(Files.readAllBytes(file)));
      assertThat(header(record, CloudEventHeaders.SOURCE)).isEqualTo("/webhooks/bsale/" + tenant);
      assertThat(header(record, BsaleResources.DELIVERY_ID)).startsWith("bsale:" + tenant + ":2:");
      assertThat(Instant.parse(envelope.path("fetchedAt").asText())).isBefore(Instant.now().plusSeconds(1));

      // A product fetched with its variants expanded maps to the product, then one record per variant.
      CanonicalRecord canonical = mapFirst(record);
      assertThat(canonical.eventId()).startsWith(header(record, BsaleResources.DELIVERY_ID));
      switch (Fixtures.name(file).split("\\.")[0]) {
        case "product" -> {
          assertThat(((Product) canonical.value()).getName()).isEqualTo("Polera Piqué");
          assertThat(((Product) canonical.value()).getVariants()).extracting(v -> v.getSku())
              .containsExactly("POL-PIQ-M-AZ", "POL-PIQ-L-AZ");
        }
        case "variant" -> assertThat(((ProductVariant) canonical.value()).getSku()).isEqualTo("POL-PIQ-M-AZ");
        case "price" -> assertThat(((Price) canonical.value()).getNet().getAmount()).isEqualByComparingTo("8395");
        case "stock" -> {
          Stock stock = (Stock) canonical.value();
          assertThat(stock.getQuantity()).isEqualByComparingTo("12");
          assertThat(stock.getAvailable()).isEqualByComparingTo("10");
          assertThat(canonical.key()).isEqualTo("bsale:" + tenant + ":stock:7079:1");
        }
        case "document" -> assertThat(((Document) canonical.value()).getLines()).hasSize(2);
        default -> throw new AssertionError(file.toString());
      }
    }
  }

  @Test
  void tooManyRequestsAndServerErrorsAreRetriedUntilTheAnswerComes() throws Exception {
    String url = "/v1/stocks.json?variantid=2001&officeid=1";
    String scenario = "flaky";
    bsale.stubFor(get(urlEqualTo(url)).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(429)).willSetStateTo("500"));
    bsale.stubFor(get(urlEqualTo(url)).inScenario(scenario).whenScenarioStateIs("500")
        .willReturn(aResponse().withStatus(500)).willSetStateTo("503"));
    bsale.stubFor(get(urlEqualTo(url)).inScenario(scenario).whenScenarioStateIs("503")
        .willReturn(aResponse().withStatus(503)).willSetStateTo("ok"));
    bsale.stubFor(get(urlEqualTo(url)).inScenario(scenario).whenScenarioStateIs("ok")
        .willReturn(okJson(stockBody("2001", "7.0"))));

    send("retry", notification(20, "stock", "2001", "1", 1_700_000_000L));

    JsonNode envelope = JSON.readTree(awaitOne(r -> r.key().equals("retry")).value());
    assertThat(envelope.path("status").asInt()).isEqualTo(200);
    assertThat(bsale.findAll(getRequestedFor(urlEqualTo(url))).size())
        .isEqualTo(4);
  }

  @Test
  void aCompanyWhoseApiTimesOutDoesNotHoldUpAnotherAndIsParkedUntilItAnswers() throws Exception {
    bsale.stubFor(get(urlEqualTo("/v1/variants/2101.json")).willReturn(okJson(variantBody("2101")).withFixedDelay(3_000)));
    bsale.stubFor(get(urlEqualTo("/v1/variants/2301.json")).willReturn(okJson(variantBody("2301"))));

    Instant sent = Instant.now();
    send("slow", notification(21, "variant", "2101", null, 1_700_000_000L));
    send("fast", notification(23, "variant", "2301", null, 1_700_000_000L));

    awaitOne(r -> r.key().equals("fast"));
    assertThat(Duration.between(sent, Instant.now())).isLessThan(Duration.ofMillis(2_000));
    // After the retries the slow company is parked: nothing written, nothing dead-lettered...
    awaitUntil(Duration.ofSeconds(10), () -> fetcher.metrics().count("bsale_fetcher_parked", "21") >= 1);
    assertThat(written.stream().noneMatch(r -> r.key().equals("slow"))).isTrue();
    // ... until it answers again.
    bsale.stubFor(get(urlEqualTo("/v1/variants/2101.json")).willReturn(okJson(variantBody("2101"))));
    assertThat(json(awaitOne(r -> r.key().equals("slow"))).path("status").asInt()).isEqualTo(200);
  }

  // Fails on main before this change: after the retries the 503 was written as the answer and
  // dead-lettered downstream, where re-drive cannot fetch it again.
  @Test
  void aBsaleOutageLongerThanTheRetriesParksTheCompanyInsteadOfDeadLetteringItsNotifications() throws Exception {
    bsale.stubFor(get(urlEqualTo("/v1/variants/2801.json")).willReturn(aResponse().withStatus(503)));

    RecordMetadata waiting = send("outage", notification(28, "variant", "2801", null, 1_700_000_000L));

    awaitUntil(Duration.ofSeconds(10), () -> fetcher.metrics().count("bsale_fetcher_parked", "28") >= 1);
    assertThat(written.stream().noneMatch(r -> r.key().equals("outage"))).isTrue();
    assertThat(committedOffset()).isLessThanOrEqualTo(waiting.offset());
    bsale.stubFor(get(urlEqualTo("/v1/variants/2801.json")).willReturn(okJson(variantBody("2801"))));
    assertThat(json(awaitOne(r -> r.key().equals("outage"))).path("status").asInt()).isEqualTo(200);
    assertThat(written.stream().filter(r -> r.key().equals("outage")).count()).isEqualTo(1);
  }

  // Fails on main before this change: the time parked counted against FETCHER_MAX_WAIT_MS, so once
  // the token worked the notification was given up at the wait bound, written with status 0.
  @Test
  void aCompanyParkedLongerThanTheWaitBoundIsFetchedOnlyOnceACallWithItsTokenGoesThrough() throws Exception {
    bsale.stubFor(get(urlEqualTo("/v1/variants/2701.json")).atPriority(1)
        .withHeader("access_token", equalTo("good-27")).willReturn(okJson(variantBody("2701"))));
    bsale.stubFor(get(urlEqualTo("/v1/variants/2701.json")).atPriority(2).willReturn(aResponse().withStatus(401)));

    RecordMetadata parked = send("long-parked", notification(27, "variant", "2701", null, 1_700_000_000L));
    awaitUntil(Duration.ofSeconds(5), () -> fetcher.metrics().count("bsale_fetcher_parked", "27") >= 1);
    // A changed token file alone does not unpark the company: the re-check with it is refused too.
    Files.writeString(tokensDir.resolve("27.token"), "still-bad-27\n");
    awaitUntil(Duration.ofSeconds(5), () -> bsale.findAll(getRequestedFor(urlEqualTo("/v1/variants/2701.json"))
        .withHeader("access_token", equalTo("still-bad-27"))).size() >= 2);
    Thread.sleep(MAX_WAIT.toMillis()); // the wait bound passes while the company is parked
    assertThat(written.stream().noneMatch(r -> r.key().equals("long-parked"))).isTrue();
    assertThat(committedOffset()).isLessThanOrEqualTo(parked.offset());

    Files.writeString(tokensDir.resolve("27.token"), "good-27\n");
    assertThat(json(awaitOne(r -> r.key().equals("long-parked"))).path("status").asInt()).isEqualTo(200);
  }

  // Fails on main before this change: the fetcher used company 2's token for a notification that
  // arrived on another tenant's webhook URL and wrote company 2's data into that tenant's stream.
  @Test
  void aNotificationForACompanyNotBoundToItsTenantIsDeadLetteredAndNeverFetched() throws Exception {
    bsale.stubFor(get(urlPathEqualTo("/v1/products/9901.json")).willReturn(okJson("{\"id\":9901}")));
    bsale.stubFor(get(urlPathEqualTo("/v1/products/9801.json")).willReturn(okJson("{\"id\":9801}")));

    RecordMetadata intruder = send("intruder", notification(2, "product", "9901", null, 1_700_000_000L));
    send("nobody", notification(98, "product", "9801", null, 1_700_000_000L)); // has a token, bound to no tenant

    for (String tenant : List.of("intruder", "nobody")) {
      ConsumerRecord<String, byte[]> dead = awaitDeadLetter(r -> r.key().equals(tenant));
      assertThat(header(dead, DeadLetterHeaders.STEP)).isEqualTo("tenant");
      assertThat(header(dead, DeadLetterHeaders.REASON)).contains("not bound to tenant " + tenant, "BSALE_COMPANY_TENANTS");
      assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(REQUESTS.name());
    }
    awaitUntil(Duration.ofSeconds(5), () -> committedOffset() > intruder.offset());
    assertThat(bsale.findAll(getRequestedFor(urlMatching("/v1/products/9[89]01.json.*")))).isEmpty();
    assertThat(written.stream().noneMatch(r -> r.key().equals("intruder") || r.key().equals("nobody"))).isTrue();
  }

  // Fails on main before this change: the HTTP client followed the redirect and sent the company's
  // access_token to wherever it pointed.
  @Test
  void aRedirectIsNotFollowedSoTheTokenNeverTravelsAlongIt() throws Exception {
    bsale.stubFor(get(urlEqualTo("/v1/variants/2901.json"))
        .willReturn(aResponse().withStatus(302).withHeader("Location", bsale.baseUrl() + "/elsewhere/2901.json")));
    bsale.stubFor(get(urlEqualTo("/elsewhere/2901.json")).willReturn(okJson(variantBody("2901"))));

    send("redirect", notification(29, "variant", "2901", null, 1_700_000_000L));

    assertThat(json(awaitOne(r -> r.key().equals("redirect"))).path("status").asInt()).isEqualTo(302);
    assertThat(bsale.findAll(getRequestedFor(urlEqualTo("/elsewhere/2901.json"))))
        .noneMatch(request -> request.containsHeader("access_token"));
  }

  // Fails on main before this change: what the fetcher could not read was only counted and
  // committed past.
  @Test
  void aRecordThatIsNotAFetchRequestIsDeadLetteredBeforeItIsCommittedPast() throws Exception {
    byte[] garbage = bytes("not a fetch request");
    byte[] untyped = notification(2, "variant", "9701", null, 1_700_000_000L); // a notification as received
    sendValue("garbage", garbage, "-");
    RecordMetadata last = sendValue("untyped", untyped, "-");

    assertThat(awaitDeadLetter(r -> r.key().equals("garbage")).value()).isEqualTo(garbage);
    ConsumerRecord<String, byte[]> dead = awaitDeadLetter(r -> r.key().equals("untyped"));
    assertThat(dead.value()).isEqualTo(untyped);
    assertThat(header(dead, DeadLetterHeaders.STEP)).isEqualTo("decode");
    assertThat(header(dead, DeadLetterHeaders.REASON)).startsWith("Not a fetch request");
    awaitUntil(Duration.ofSeconds(5), () -> committedOffset() > last.offset());
  }

  @Test
  void aCompanyWhoseTokenIsRefusedIsParkedWhileAnotherFlowsAndResumesOnceTheTokenIsFixed() throws Exception {
    bsale.stubFor(get(urlEqualTo("/v1/variants/2201.json")).atPriority(1)
        .withHeader("access_token", equalTo("good-22")).willReturn(okJson(variantBody("2201"))));
    bsale.stubFor(get(urlEqualTo("/v1/variants/2201.json")).atPriority(2)
        .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"invalid token\"}")));
    bsale.stubFor(get(urlEqualTo("/v1/variants/2602.json")).willReturn(okJson(variantBody("2602"))));

    RecordMetadata parked = send("parked", notification(22, "variant", "2201", null, 1_700_000_000L));
    send("flowing", notification(26, "variant", "2602", null, 1_700_000_000L));

    awaitOne(r -> r.key().equals("flowing"));
    awaitUntil(Duration.ofSeconds(5), () -> fetcher.metrics().count("bsale_fetcher_parked", "22") >= 1);
    Thread.sleep(700); // two re-checks: still refused, nothing written, nothing lost
    assertThat(written.stream().noneMatch(r -> r.key().equals("parked"))).isTrue();
    assertThat(committedOffset()).isLessThanOrEqualTo(parked.offset());
    assertThat(bsale.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().equals("/v1/variants/2201.json")).count())
        .as("re-checked at the interval, not retried in a hot loop").isLessThan(8);

    Files.writeString(tokensDir.resolve("22.token"), "good-22\n");
    JsonNode envelope = JSON.readTree(awaitOne(r -> r.key().equals("parked")).value());
    assertThat(envelope.path("status").asInt()).isEqualTo(200);
    awaitUntil(Duration.ofSeconds(5), () -> committedOffset() > parked.offset());
  }

  @Test
  void theTraceContextOfAFetchRequestTravelsOnToItsResourceAndTheConsumerLagIsExported() throws Exception {
    bsale.stubFor(get(urlEqualTo("/v1/products/2402.json")).willReturn(aResponse().withStatus(404).withBody("{}")));
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    FetchRequests.Request request =
        BsaleNotifications.fetchRequest("gone", notification(24, "product", "2402", null, 1_700_000_001L));

    sendValue("gone", FetchRequests.encode(request), request.deliveryId(),
        CloudEventHeaders.TRACEPARENT, traceparent, CloudEventHeaders.TRACESTATE, "bsale=1");

    ConsumerRecord<String, byte[]> resource = awaitOne(r -> request.deliveryId().equals(header(r, BsaleResources.DELIVERY_ID)));
    assertThat(header(resource, CloudEventHeaders.TRACEPARENT)).isEqualTo(traceparent);
    assertThat(header(resource, CloudEventHeaders.TRACESTATE)).isEqualTo("bsale=1");
    awaitUntil(Duration.ofSeconds(10), () -> fetcher.metrics().registry().find("bsale_fetcher_consumer_lag_records")
        .tag("topic", REQUESTS.name()).gauge() != null);
  }

  @Test
  void aResourceBsaleNoLongerHasBecomesADeletion() throws Exception {
    bsale.stubFor(get(urlPathEqualTo("/v1/products/2401.json")).willReturn(aResponse().withStatus(404)
        .withBody("{\"error\":\"not found\"}")));

    send("gone", notification(24, "product", "2401", null, 1_700_000_000L));

    ConsumerRecord<String, byte[]> record = awaitOne(r -> r.key().equals("gone"));
    assertThat(JSON.readTree(record.value()).path("status").asInt()).isEqualTo(404);
    CanonicalRecord canonical = mapOne(record);
    assertThat(canonical.entity()).isEqualTo(CanonicalEntity.PRODUCT);
    assertThat(((Product) canonical.value()).getMetadata().getAction()).isEqualTo(Action.DELETED);
    assertThat(((Product) canonical.value()).getActive()).isFalse();
  }

  @Test
  void aHundredNotificationsForOneVariantWithinTheWindowCostFewFetchesAndEndInTheLatestState() throws Exception {
    String url = "/v1/stocks.json?variantid=2501&officeid=1";
    bsale.stubFor(get(urlEqualTo(url)).willReturn(okJson(stockBody("2501", "41.0"))));

    for (int send = 1; send <= 100; send++) {
      send("burst-one", notification(25, "stock", "2501", "1", 1_700_000_000L + send));
    }
    producer.flush();

    awaitUntil(Duration.ofSeconds(10), () -> written.stream().anyMatch(r -> r.key().equals("burst-one")
        && json(r).path("notification").path("send").asLong() == 1_700_000_100L));
    Thread.sleep(500); // nothing else on its way
    long fetches = (long) bsale.findAll(getRequestedFor(urlEqualTo(url))).size();
    assertThat(fetches).isBetween(1L, 5L);
    List<ConsumerRecord<String, byte[]>> envelopes = written.stream().filter(r -> r.key().equals("burst-one")).toList();
    assertThat(envelopes).hasSize((int) fetches);
    ConsumerRecord<String, byte[]> last = envelopes.get(envelopes.size() - 1);
    assertThat(json(last).path("notification").path("send").asLong()).isEqualTo(1_700_000_100L);
    assertThat(((Stock) mapOne(last).value()).getQuantity()).isEqualByComparingTo("41");
    assertThat(envelopes.stream().mapToInt(r -> json(r).path("coalesced").asInt() + 1).sum()).isEqualTo(100);
    // Each envelope lists the action of every notification it answers.
    assertThat(envelopes.stream().mapToInt(r -> json(r).path("coalescedActions").size()).sum()).isEqualTo(100);
  }

  @Test
  void thePerCompanyRateLimitHoldsUnderABurstOfAThousandNotifications() throws Exception {
    bsale.stubFor(get(urlPathEqualTo("/v1/stocks.json")).withHeader("access_token", matching("burst-.*"))
        .willReturn(okJson(stockBody("1", "1.0"))));
    int companies = 4;
    int perCompany = 250;
    for (int i = 0; i < perCompany; i++) {
      for (int c = 0; c < companies; c++) {
        send("rate-" + c, notification(30 + c, "stock", Integer.toString(100_000 + i), "1", 1_700_000_000L));
      }
    }
    producer.flush();

    awaitUntil(Duration.ofSeconds(40), () -> written.stream().filter(r -> r.key().startsWith("rate-")).count()
        >= (long) companies * perCompany);
    Map<String, List<Long>> times = new HashMap<>();
    for (LoggedRequest request : bsale.findAll(getRequestedFor(urlPathEqualTo("/v1/stocks.json")))) {
      String token = request.getHeader("access_token");
      if (token != null && token.startsWith("burst-")) {
        times.computeIfAbsent(token, t -> new ArrayList<>()).add(request.getLoggedDate().getTime());
      }
    }
    assertThat(times).hasSize(companies);
    for (var entry : times.entrySet()) {
      List<Long> sorted = entry.getValue().stream().sorted().toList();
      // At least one request per notification; a request that timed out on a loaded machine is retried,
      // through the same limiter.
      assertThat(sorted).hasSizeGreaterThanOrEqualTo(perCompany);
      int worst = 0;
      for (int i = 0, j = 0; i < sorted.size(); i++) {
        while (sorted.get(i) - sorted.get(j) >= 1_000) {
          j++;
        }
        worst = Math.max(worst, i - j + 1);
      }
      // One permit every 1/RATE s: RATE per second, plus one at a window's edge; +1 for ms rounding.
      assertThat(worst).as("most requests of %s in any 1 s", entry.getKey()).isLessThanOrEqualTo(RATE + 2);
    }
  }

  // --- helpers ---

  private static Topic<String, byte[]> topic(String name) {
    return new Topic<>(name, Topic.Role.WORK, org.apache.kafka.common.serialization.Serdes.String(),
        org.apache.kafka.common.serialization.Serdes.ByteArray());
  }

  private static byte[] notification(int company, String topic, String resourceId, String scope, long send) {
    String scopeField = scope == null ? "" : ",\"" + (topic.equals("price") ? "priceListId" : "officeId") + "\":\"" + scope + "\"";
    return ("{\"cpnId\":" + company + ",\"resource\":\"/v2/x\",\"resourceId\":\"" + resourceId + "\",\"topic\":\"" + topic
        + "\",\"action\":\"put\"" + scopeField + ",\"send\":" + send + "}").getBytes(StandardCharsets.UTF_8);
  }

  /** Sends what the normalizer writes for a notification that arrived on the tenant's webhook URL. */
  private static RecordMetadata send(String tenant, byte[] notification) throws Exception {
    FetchRequests.Request request = BsaleNotifications.fetchRequest(tenant, notification);
    return sendValue(tenant, FetchRequests.encode(request), request.deliveryId());
  }

  /** @param moreHeaders name, value, name, value... */
  private static RecordMetadata sendValue(String tenant, byte[] value, String deliveryId, String... moreHeaders)
      throws Exception {
    RecordHeaders headers = new RecordHeaders();
    for (int i = 0; i < moreHeaders.length; i += 2) {
      headers.add(moreHeaders[i], bytes(moreHeaders[i + 1]));
    }
    headers.add(CloudEventHeaders.SPEC_VERSION, bytes("1.0"));
    headers.add(CloudEventHeaders.ID, bytes(UUID.randomUUID().toString()));
    headers.add(CloudEventHeaders.SOURCE, bytes(CloudEventHeaders.source("bsale", tenant)));
    headers.add(CloudEventHeaders.TYPE, bytes("bsale.webhook"));
    headers.add(CloudEventHeaders.TIME, bytes(Instant.now().toString()));
    headers.add(CloudEventHeaders.CONTENT_TYPE, bytes("application/json"));
    headers.add(CloudEventHeaders.TENANT, bytes(tenant));
    headers.add(BsaleResources.DELIVERY_ID, bytes(deliveryId));
    return producer.send(new ProducerRecord<>(REQUESTS.name(), null, tenant, value, headers)).get();
  }

  private static void stubCatalog(String fixture) throws Exception {
    JsonNode node = JSON.readTree(Files.readAllBytes(Fixtures.root().resolve("bsale/" + fixture + ".json")));
    String id = node.path("resourceId").asText();
    String path = switch (node.path("topic").asText()) {
      case "product" -> "/v1/products/" + id + ".json?expand=%5Bvariants%5D";
      case "variant" -> "/v1/variants/" + id + ".json";
      case "price" -> "/v1/price_lists/2/details.json?variantid=" + id;
      default -> "/v1/stocks.json?variantid=" + id + "&officeid=1";
    };
    bsale.stubFor(get(urlEqualTo(path)).withHeader("access_token", equalTo("token-2"))
        .willReturn(okJson(BsaleCatalog.answer(path).body())));
  }

  private static void stubDocument51() {
    String details = "/v1/documents/51/details.json?limit=50&offset=0";
    bsale.stubFor(get(urlEqualTo("/v1/documents/51.json")).willReturn(okJson(BsaleCatalog.answer("/v1/documents/51.json").body())));
    bsale.stubFor(get(urlEqualTo(details)).willReturn(okJson(BsaleCatalog.answer(details).body())));
  }

  private static String variantBody(String id) {
    return "{\"id\":" + id + ",\"description\":\"V " + id + "\",\"state\":0,\"code\":\"SKU-" + id
        + "\",\"product\":{\"id\":\"9" + id + "\"}}";
  }

  private static String stockBody(String variant, String quantity) {
    return "{\"count\":1,\"limit\":25,\"offset\":0,\"items\":[{\"id\":1,\"quantity\":" + quantity
        + ",\"quantityReserved\":0.0,\"quantityAvailable\":" + quantity + ",\"variant\":{\"id\":\"" + variant
        + "\"},\"office\":{\"id\":\"1\"}}],\"next\":null}";
  }

  private static void readResources() {
    try (KafkaConsumer<String, byte[]> consumer = SharedKafka.broker().clients().consumer(Map.of("group.id", "reader-" + RUN,
        "auto.offset.reset", "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(RESOURCES.name(), DEAD_LETTERS.name()));
      while (reading) {
        consumer.poll(Duration.ofMillis(50))
            .forEach(record -> (record.topic().equals(RESOURCES.name()) ? written : deadLettered).add(record));
      }
    }
  }

  private static ConsumerRecord<String, byte[]> awaitOne(Predicate<ConsumerRecord<String, byte[]>> match) throws Exception {
    return awaitIn(written, match);
  }

  private static ConsumerRecord<String, byte[]> awaitDeadLetter(Predicate<ConsumerRecord<String, byte[]>> match)
      throws Exception {
    return awaitIn(deadLettered, match);
  }

  private static ConsumerRecord<String, byte[]> awaitIn(ConcurrentLinkedQueue<ConsumerRecord<String, byte[]>> records,
      Predicate<ConsumerRecord<String, byte[]>> match) throws Exception {
    awaitUntil(Duration.ofSeconds(15), () -> records.stream().anyMatch(match));
    return records.stream().filter(match).findFirst().orElseThrow();
  }

  private static void awaitUntil(Duration atMost, java.util.function.BooleanSupplier condition) throws Exception {
    Instant until = Instant.now().plus(atMost);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(until)) {
        throw new AssertionError("condition not met within " + atMost);
      }
      Thread.sleep(20);
    }
  }

  private static long committedOffset() {
    try (Admin admin = SharedKafka.broker().clients().admin(Map.of())) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
      OffsetAndMetadata offset = offsets.get(new TopicPartition(REQUESTS.name(), 0));
      return offset == null ? -1 : offset.offset();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static RawEvent raw(ConsumerRecord<String, byte[]> record) {
    return new RawEvent("bsale", header(record, CloudEventHeaders.TENANT), header(record, CloudEventHeaders.TYPE),
        header(record, CloudEventHeaders.ID), Instant.parse(header(record, CloudEventHeaders.TIME)), record.topic(),
        record.partition(), record.offset(), record.value());
  }

  private static CanonicalRecord mapFirst(ConsumerRecord<String, byte[]> record) {
    RawEvent raw = raw(record);
    MappingResult result = new BsaleMapper(settingsFor(raw)).map(raw);
    assertThat(result).isInstanceOf(MappingResult.Mapped.class);
    return ((MappingResult.Mapped) result).records().get(0);
  }

  private static TenantSettings settingsFor(RawEvent raw) {
    return TenantSettings.parse(List.of("bsale:" + raw.tenant() + "=CLP@America/Santiago"));
  }

  private static CanonicalRecord mapOne(ConsumerRecord<String, byte[]> record) {
    RawEvent raw = raw(record);
    MappingResult result = new BsaleMapper(settingsFor(raw)).map(raw);
    assertThat(result).isInstanceOf(MappingResult.Mapped.class);
    List<CanonicalRecord> records = ((MappingResult.Mapped) result).records();
    assertThat(records).hasSize(1);
    return records.get(0);
  }

  private static JsonNode json(ConsumerRecord<String, byte[]> record) {
    try {
      return JSON.readTree(record.value());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

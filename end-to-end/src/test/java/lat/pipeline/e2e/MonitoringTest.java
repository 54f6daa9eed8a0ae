package lat.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.dev.testing.PromQl;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.dev.testing.SharedRegistry;
import lat.pipeline.dev.testing.TestServices;
import lat.pipeline.dev.testing.TopicRecords;
import lat.pipeline.fetcher.FetcherConfig;
import lat.pipeline.fetcher.FetcherService;
import lat.pipeline.normalizer.NormalizerConfig;
import lat.pipeline.normalizer.NormalizerService;
import lat.pipeline.receiver.ReceiverConfig;
import lat.pipeline.receiver.ReceiverService;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.schemas.DeadLetterHeaders;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * k8s/monitoring against running services: the receiver, the normalizer and the fetcher, started in
 * process on the shared broker and registry, export every metric that the dashboard and the alert
 * rules read (that the manifests load is deploy's MonitoringManifestsTest); and a webhook's W3C
 * trace context reaches its raw record, its canonical records, its dead letter and its Bsale fetch
 * request.
 */
@ExtendWith({SharedKafka.class, SharedRegistry.class})
class MonitoringTest {

  /** The repository's k8s/monitoring (beside its fixtures folder). */
  private static final Path MONITORING = Fixtures.root().resolveSibling("k8s").resolve("monitoring");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String TENANT = "mon" + RUN;
  private static final String TOKEN = "monitoring-token-" + RUN;
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", Pattern.MULTILINE);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static TestServices services;
  private static ReceiverService receiver;
  private static NormalizerService normalizer;
  private static FetcherService fetcher;
  private static Topic<String, byte[]> fetchRequests;

  @BeforeAll
  static void startServices() {
    services = TestServices.onSharedStack("monitoring").with("WEBHOOK_TOKENS", "*:" + TENANT + "=" + TOKEN)
        // Nothing answers there: the company's fetch reaches the wait bound and the company is parked.
        .with("BSALE_API_URL", "http://127.0.0.1:9")
        .with("BSALE_TOKENS", "2=token-2")
        .with("BSALE_COMPANY_TENANTS", "2=" + TENANT)
        .with("FETCHER_MAX_WAIT_MS", "500")
        .with("FETCHER_REQUEST_TIMEOUT_MS", "200")
        .with("FETCHER_BACKOFF_BASE_MS", "20");
    receiver = services.start(() -> new ReceiverService(ReceiverConfig.fromEnv(services.env())).start());
    normalizer = services.start(() -> new NormalizerService(NormalizerConfig.fromEnv(services.env()), () -> {}).start());
    // Its own topics: the shared bsale.fetch-requests holds other tests' requests.
    fetchRequests = workTopic(services.unique("test.monitoring.fetch-requests"));
    fetcher = services.start(() -> new FetcherService(FetcherConfig.fromEnv(services.env()), new FetcherService.FetcherTopics(
        fetchRequests, workTopic(services.unique("test.monitoring.resources")),
        workTopic(services.unique("test.monitoring.dlq")))).start());
  }

  @AfterAll
  static void stopServices() {
    services.close();
  }

  @Test
  void everyMetricThatTheDashboardAndTheAlertsReadIsExportedByARunningService() throws Exception {
    Set<String> read = metricsRead();
    assertThat(read).contains("webhook_requests_total", "webhook_tenant_silent", "normalizer_consumer_lag_records",
        "bsale_fetcher_consumer_lag_records", "bsale_fetcher_parked_waiting", "receiver_spool_oldest_age_seconds");

    // The metrics with labels exist once something happened: a delivery, a dead letter, a parked company.
    post("alegra", Files.readAllBytes(Fixtures.root().resolve("alegra/new-client.json")), null);
    post("alegra", "{\"subject\":\"new-client\",\"message\":".getBytes(StandardCharsets.UTF_8), null);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
        Map.of("bootstrap.servers", SharedKafka.broker().bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
      byte[] request = lat.pipeline.schemas.FetchRequests.encode(lat.pipeline.normalizer.bsale.BsaleNotifications
          .fetchRequest(TENANT, Files.readAllBytes(Fixtures.root().resolve("bsale/product.put.json"))));
      producer.send(new ProducerRecord<>(fetchRequests.name(), TENANT, request)).get();
      producer.send(new ProducerRecord<>(fetchRequests.name(), TENANT, "not a fetch request".getBytes(StandardCharsets.UTF_8))).get();
    }

    Set<String> missing = new TreeSet<>(read);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!missing.isEmpty() && System.nanoTime() < deadline) {
      missing.removeAll(exported("http://127.0.0.1:" + receiver.port() + "/metrics"));
      missing.removeAll(exported("http://127.0.0.1:" + normalizer.healthPort() + "/metrics"));
      missing.removeAll(exported("http://127.0.0.1:" + fetcher.healthPort() + "/metrics"));
      if (!missing.isEmpty()) {
        Thread.sleep(500);
      }
    }
    assertThat(missing).as("metrics that k8s/monitoring reads but no service exports").isEmpty();
  }

  @Test
  void aWebhooksTraceparentIsOnItsRawRecordItsCanonicalRecordsItsDeadLetterAndItsBsaleFetchRequest() throws Exception {
    String mapped = traceparent();
    String broken = traceparent();
    String bsale = traceparent();
    post("alegra", Files.readAllBytes(Fixtures.root().resolve("alegra/new-client.json")), mapped);
    post("alegra", "{\"subject\":\"new-client\",\"message\":".getBytes(StandardCharsets.UTF_8), broken);
    post("bsale", Files.readAllBytes(Fixtures.root().resolve("bsale/product.put.json")), bsale);

    assertThat(await(List.of(Topics.RAW_ALEGRA.name()), tracedBy(mapped))).isNotEmpty();
    List<String> canonical = Topics.CANONICAL.stream().map(Topic::name).toList();
    assertThat(await(canonical, tracedBy(mapped))).extracting(ConsumerRecord::topic).contains(Topics.CANONICAL_CUSTOMERS.name());
    ConsumerRecord<String, byte[]> deadLetter = await(List.of(Topics.DLQ_NORMALIZER.name()), tracedBy(broken)).get(0);
    assertThat(header(deadLetter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.RAW_ALEGRA.name());
    assertThat(header(deadLetter, CloudEventHeaders.TRACESTATE)).isEqualTo("monitoring=" + RUN);
    assertThat(await(List.of(Topics.BSALE_FETCH_REQUESTS.name()), tracedBy(bsale))).isNotEmpty();
  }

  // --- helpers ---

  /** Every metric that an alert rule or a dashboard panel of k8s/monitoring reads. */
  private static Set<String> metricsRead() throws IOException {
    Set<String> names = new TreeSet<>();
    for (JsonNode group : YAML.readTree(MONITORING.resolve("alerts.yaml").toFile()).at("/spec/groups")) {
      group.path("rules").forEach(rule -> names.addAll(PromQl.metricNames(rule.path("expr").asText())));
    }
    String dashboard = YAML.readTree(MONITORING.resolve("dashboard.yaml").toFile()).at("/data/lat-pipeline.json").asText();
    for (JsonNode panel : JSON.readTree(dashboard).path("panels")) {
      panel.path("targets").forEach(target -> names.addAll(PromQl.metricNames(target.path("expr").asText())));
    }
    return names;
  }

  private static Set<String> exported(String url) throws Exception {
    String text = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    Set<String> names = new TreeSet<>();
    Matcher sample = SAMPLE.matcher(text);
    while (sample.find()) {
      names.add(sample.group(1));
    }
    return names;
  }

  private static void post(String provider, byte[] body, String traceparent) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + receiver.port() + "/webhooks/" + provider + "/" + TENANT + "?token=" + TOKEN))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
    if (traceparent != null) {
      request.header("traceparent", traceparent).header("tracestate", "monitoring=" + RUN);
    }
    assertThat(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
  }

  private static String traceparent() {
    return "00-" + UUID.randomUUID().toString().replace("-", "") + "-" + UUID.randomUUID().toString().substring(24) + "0000-01";
  }

  private static Predicate<ConsumerRecord<String, byte[]>> tracedBy(String traceparent) {
    return record -> traceparent.equals(header(record, CloudEventHeaders.TRACEPARENT));
  }

  /** The records of the topics that match, once at least one has arrived (at most 60 s). */
  private static List<ConsumerRecord<String, byte[]>> await(List<String> topics, Predicate<ConsumerRecord<String, byte[]>> match)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<ConsumerRecord<String, byte[]>> found = List.of();
    while (found.isEmpty() && System.nanoTime() < deadline) {
      found = topics.stream()
          .flatMap(topic -> TopicRecords.readAll(SharedKafka.broker().bootstrapServers(), topic, true).stream())
          .filter(match).toList();
      if (found.isEmpty()) {
        Thread.sleep(500);
      }
    }
    assertThat(found).as("a record on %s", topics).isNotEmpty();
    return found;
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static Topic<String, byte[]> workTopic(String name) {
    return new Topic<>(name, Topic.Role.WORK, org.apache.kafka.common.serialization.Serdes.String(),
        org.apache.kafka.common.serialization.Serdes.ByteArray());
  }
}

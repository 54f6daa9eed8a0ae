package lat.pipeline.receiver;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import lat.pipeline.config.Env;
import lat.pipeline.dev.testing.TopicRecords;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** A receiver started against a given broker, with an HTTP client and a raw-topic reader. */
final class ReceiverHarness implements AutoCloseable {

  static final String TENANT = "acme";
  static final String TOKEN = "s3cret-token-" + UUID.randomUUID();
  static final String SIGNED_TENANT = "signed";
  static final String OBUMA_API_KEY = "obuma-account-api-key";

  final String bootstrapServers;
  final ReceiverService service;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  ReceiverHarness(String bootstrapServers, Map<String, String> extraEnv) throws InterruptedException {
    this(bootstrapServers, extraEnv, true);
  }

  /** {@code awaitTopics}: wait until the background provisioning has the raw topics ready. */
  ReceiverHarness(String bootstrapServers, Map<String, String> extraEnv, boolean awaitTopics) throws InterruptedException {
    this.bootstrapServers = bootstrapServers;
    Map<String, String> env = new HashMap<>(Map.of(
        "RECEIVER_PORT", "0",
        "RECEIVER_HOST", "127.0.0.1",
        "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
        "TOPIC_PARTITIONS", "3",
        "WEBHOOK_TOKENS", "*:" + TENANT + "=" + TOKEN + ",*:" + SIGNED_TENANT + "=" + TOKEN,
        "OBUMA_API_KEYS", SIGNED_TENANT + "=" + OBUMA_API_KEY,
        "WEBHOOK_SECRETS_DIR", Path.of("target", "no-secrets-dir").toString(),
        "RECEIVER_SPOOL_DIR", tempSpoolDir()));
    env.putAll(extraEnv);
    service = new ReceiverService(ReceiverConfig.fromEnv(new Env(env))).start();
    if (awaitTopics) {
      awaitReady("\"topics\":\"ready\"");
    }
  }

  /** Waits (at most 60 s) until /health/ready says {@code fragment}. */
  void awaitReady(String fragment) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (get("/health/ready").body().contains(fragment)) {
          return;
        }
      } catch (IOException notYet) {
        // the server is starting
      }
      Thread.sleep(50);
    }
    throw new AssertionError("/health/ready never said " + fragment);
  }

  private static String tempSpoolDir() {
    try {
      return java.nio.file.Files.createTempDirectory("receiver-spool").toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  URI url(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + service.port() + pathAndQuery);
  }

  HttpResponse<String> post(String pathAndQuery, byte[] body, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(url(pathAndQuery))
        .timeout(Duration.ofSeconds(15))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Type", "application/json");
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String idOf(HttpResponse<String> answer) {
    return answer.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
  }

  /** Every record of a raw topic, by its ce_id header (the first copy where an id was stored twice). */
  Map<String, ConsumerRecord<String, byte[]>> readAll(Topic<String, byte[]> topic) {
    return readAllCopies(topic).entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().get(0)));
  }

  /** Every record of a raw topic, grouped by ce_id, in offset order within a partition. */
  Map<String, List<ConsumerRecord<String, byte[]>>> readAllCopies(Topic<String, byte[]> topic) {
    return TopicRecords.readAll(bootstrapServers, topic.name(), false).stream()
        .collect(Collectors.groupingBy(r -> header(r, "ce_id")));
  }

  /** The summed end offsets of all raw topics: grows by one for every record stored. */
  long rawRecordCount() {
    try (KafkaConsumer<String, byte[]> consumer = KafkaClients.plaintext(bootstrapServers)
        .consumer(Map.of(), new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = Topics.RAW.stream()
          .flatMap(topic -> consumer.partitionsFor(topic.name()).stream())
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  static String header(ConsumerRecord<?, ?> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    service.close();
  }
}

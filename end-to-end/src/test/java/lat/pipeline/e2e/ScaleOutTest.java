package lat.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import lat.pipeline.dev.ChildProcess;
import lat.pipeline.dev.HttpProbe;
import lat.pipeline.dev.Ports;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.dev.testing.SharedRegistry;
import lat.pipeline.dev.testing.TestServices;
import lat.pipeline.dev.testing.TopicRecords;
import lat.pipeline.receiver.ReceiverConfig;
import lat.pipeline.receiver.ReceiverService;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.provisioning.TopicProvisioner;
import lat.pipeline.provisioning.TopicSettings;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Several instances share the work through Kafka alone: partitions, consumer groups, exactly-once. */
@ExtendWith({SharedKafka.class, SharedRegistry.class})
class ScaleOutTest {

  private static final int CLIENTS = 3_000;
  private static final String TOKEN = "scale-token-0123456789";
  private final String run = UUID.randomUUID().toString().substring(0, 6);

  @BeforeAll
  static void createTopics() throws InterruptedException {
    try (Admin admin = SharedKafka.broker().clients().admin(Map.of())) {
      TopicProvisioner.ensure(admin, Topics.all(), new TopicSettings(2, (short) 1, -1, 604_800_000L));
    }
  }

  @Test
  void twoNormalizersShareAStreamAndOneKilledHalfWayLosesNothingAndDuplicatesNothing() throws Exception {
    List<String> tenants = IntStream.range(0, 8).mapToObj(i -> "scale" + run + "t" + i).toList();
    Map<TopicPartition, Long> produced = produceClients(tenants);
    String applicationId = "normalizer-scale-" + run;
    ChildProcess first = startNormalizer(applicationId, "a");
    ChildProcess second = startNormalizer(applicationId, "b");
    try {
      awaitCustomers(tenants, CLIENTS / 2, Duration.ofSeconds(120));
      first.kill(); // SIGKILL half-way: its open transaction is aborted, its partitions move to the other
      // Exactly-once commits the group's offsets in the transaction of the output: once they reach
      // the end of what was produced, every canonical record of it is committed and no more can come.
      awaitConsumed(applicationId, produced, Duration.ofSeconds(120));
      Map<String, Integer> copiesByKey = awaitCustomers(tenants, CLIENTS, Duration.ofSeconds(5));
      System.out.printf("Scale-out: %d distinct customers, %d records, instance a killed half-way%n",
          copiesByKey.size(), copiesByKey.values().stream().mapToInt(Integer::intValue).sum());
      assertThat(copiesByKey).hasSize(CLIENTS);
      assertThat(copiesByKey.values()).containsOnly(1);
    } finally {
      first.kill();
      second.stop(30);
    }
  }

  @Test
  void twoReceiversTakeTheSameLoadAndEveryAnsweredIdIsInTheRawTopicOnce() throws Exception {
    String tenant = "recv" + run;
    TestServices services = TestServices.onSharedStack("scale").with("WEBHOOK_TOKENS", "ninox:" + tenant + "=" + TOKEN);
    List<ReceiverService> receivers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      services.with("RECEIVER_SPOOL_DIR", services.folder("spool-" + i).toString());
      receivers.add(services.start(() -> new ReceiverService(ReceiverConfig.fromEnv(services.env())).start()));
    }
    Set<String> answered = ConcurrentHashMap.newKeySet();
    List<String> refused = java.util.Collections.synchronizedList(new ArrayList<>());
    var http = java.net.http.HttpClient.newHttpClient();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      int client = c;
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 250; i++) {
          ReceiverService receiver = receivers.get((client + i) % 2);
          try {
            var answer = http.send(java.net.http.HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + receiver.port() + "/webhooks/ninox/" + tenant + "?token=" + TOKEN))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("[{\"articuloId\":" + i + "}]")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 200) {
              answered.add(answer.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"));
            } else {
              refused.add(answer.statusCode() + " " + answer.body());
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      });
      thread.start();
      clients.add(thread);
    }
    for (Thread thread : clients) {
      thread.join();
    }
    services.close();

    Map<String, Long> copiesById = readAll(Topics.RAW_NINOX.name(), false).stream()
        .filter(record -> tenant.equals(record.key()))
        .collect(Collectors.groupingBy(record -> header(record, CloudEventHeaders.ID), Collectors.counting()));
    assertThat(refused).as("answers other than 200").isEmpty();
    assertThat(answered).hasSize(1_000);
    assertThat(copiesById.keySet()).containsExactlyInAnyOrderElementsOf(answered);
    assertThat(copiesById.values()).containsOnly(1L);
  }

  private ChildProcess startNormalizer(String applicationId, String name) throws Exception {
    int port = Ports.free();
    Map<String, String> env = new HashMap<>(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.broker().bootstrapServers(),
        "SCHEMA_REGISTRY_URL", SharedRegistry.registry().baseUrl(),
        "NORMALIZER_APPLICATION_ID", applicationId,
        "NORMALIZER_STATE_DIR", Files.createTempDirectory("scale-state-" + name).toString(),
        "NORMALIZER_HEALTH_PORT", Integer.toString(port),
        "NORMALIZER_SESSION_TIMEOUT_MS", "6000"));
    Path log = Files.createTempFile("normalizer-" + name, ".log");
    ChildProcess process = ChildProcess.startJava("normalizer-" + name, List.of("-Xmx384m"),
        "lat.pipeline.normalizer.NormalizerMain", List.of(), env, log);
    HttpProbe.awaitOk("normalizer " + name, URI.create("http://127.0.0.1:" + port + "/health/live"), process, Duration.ofSeconds(60));
    return process;
  }

  /** Produces the clients; returns the end offsets of raw.alegra after them. */
  private Map<TopicPartition, Long> produceClients(List<String> tenants) throws Exception {
    try (KafkaProducer<String, byte[]> producer = SharedKafka.broker().clients().producer(Map.of(), new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < CLIENTS; i++) {
        String tenant = tenants.get(i % tenants.size());
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.TENANT, tenant.getBytes(StandardCharsets.UTF_8));
        String body = "{\"subject\":\"new-client\",\"message\":{\"client\":{\"id\":\"" + i + "\",\"name\":\"C" + i + "\"}}}";
        producer.send(new ProducerRecord<>(Topics.RAW_ALEGRA.name(), null, tenant, body.getBytes(StandardCharsets.UTF_8), headers));
      }
    }
    try (Admin admin = SharedKafka.broker().clients().admin(Map.of())) {
      var partitions = admin.describeTopics(List.of(Topics.RAW_ALEGRA.name())).allTopicNames().get()
          .get(Topics.RAW_ALEGRA.name()).partitions().stream()
          .collect(Collectors.toMap(p -> new TopicPartition(Topics.RAW_ALEGRA.name(), p.partition()), p -> OffsetSpec.latest()));
      return admin.listOffsets(partitions).all().get().entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
  }

  /** Waits until the application's committed offsets reach {@code ends}. */
  private static void awaitConsumed(String applicationId, Map<TopicPartition, Long> ends, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = SharedKafka.broker().clients().admin(Map.of())) {
      Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
      while (System.nanoTime() < deadline) {
        committed = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetAndMetadata> seen = committed;
        if (ends.entrySet().stream().allMatch(end ->
            seen.get(end.getKey()) != null && seen.get(end.getKey()).offset() >= end.getValue())) {
          return;
        }
        Thread.sleep(200);
      }
      throw new AssertionError("The normalizers did not consume raw.alegra up to " + ends + " within " + timeout
          + "; committed: " + committed);
    }
  }

  /** Committed canonical customers of the test's tenants, counted per key, once at least {@code expected} exist. */
  private static Map<String, Integer> awaitCustomers(List<String> tenants, int expected, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Integer> copies;
    do {
      copies = new HashMap<>();
      for (ConsumerRecord<String, byte[]> record : readAll(Topics.CANONICAL_CUSTOMERS.name(), true)) {
        if (tenants.stream().anyMatch(tenant -> record.key().startsWith("alegra:" + tenant + ":"))) {
          copies.merge(record.key(), 1, Integer::sum);
        }
      }
      if (copies.size() >= expected) {
        return copies;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < deadline);
    return copies;
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(String topic, boolean committedOnly) {
    return TopicRecords.readAll(SharedKafka.broker().bootstrapServers(), topic, committedOnly);
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}

package lat.pipeline.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import lat.pipeline.dev.ChildProcess;
import lat.pipeline.dev.HttpProbe;
import lat.pipeline.dev.Ports;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.dev.testing.TopicRecords;
import lat.pipeline.receiver.durability.Quarantine;
import lat.pipeline.provisioning.TopicProvisioner;
import lat.pipeline.provisioning.TopicSettings;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Under steady load (small bodies and bodies at the 1 MiB limit) the broker is stopped while the
 * receiver answers from its spool (1 MiB bodies among them) and started again, then the receiver
 * (its own process) is killed with SIGKILL and restarted on the same spool. During the outage one record is accepted that the broker refuses for good once it is
 * back (larger than its topic's max.message.bytes). Every request answered 200 must be in the raw
 * topic afterwards, or in the quarantine; an id may appear twice, none may be missing, and each
 * client's records are in the order they were answered.
 */
@ExtendWith(SharedKafka.class)
class ReceiverFaultTest {

  private static final String TENANT = "fault-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String TOKEN = "fault-token-" + UUID.randomUUID();

  private static final int AT_LIMIT = 1_048_576;
  private static final int REFUSED_TOPIC_LIMIT = 4_096;

  private final int port = Ports.free();
  private final Map<String, String> acceptedBodies = new ConcurrentHashMap<>();
  /** Per client, the ids answered 200 in the order of the answers. */
  private final Map<Integer, List<String>> answeredInOrder = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong unreachable = new AtomicLong();

  @Test
  void everyRequestAnswered200SurvivesABrokerOutageAndAReceiverKill() throws Exception {
    // The receiver under test does not provision (it would raise the limit again): the test does.
    try (Admin admin = SharedKafka.broker().clients().admin(Map.of())) {
      TopicProvisioner.ensure(admin, Topics.RAW, new TopicSettings(3, (short) 1, -1, 604_800_000L));
      setMaxMessageBytes(admin, Integer.toString(REFUSED_TOPIC_LIMIT));
      try {
        runFaults();
      } finally {
        SharedKafka.broker().start(); // a no-op unless the test failed during the outage
        setMaxMessageBytes(admin, Integer.toString(TopicSettings.rawRecordBytes(AT_LIMIT)));
      }
    }
  }

  private void runFaults() throws Exception {
    Path spool = Files.createTempDirectory("fault-spool");
    Path logs = Files.createTempDirectory("fault-logs");
    ChildProcess receiver = startReceiver(spool, logs);
    AtomicBoolean loading = new AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(5);
    for (int c = 0; c < 5; c++) {
      int client = c;
      clients.submit(() -> load(client, loading));
    }

    // Each phase lasts until the load has reached what it must cover (no fixed durations).
    awaitAnswered("steady load, 1 MiB bodies among it", 200, 1);
    SharedKafka.broker().stop();
    // With the broker away a request is answered 200 only from the spool, after its ack timed out.
    awaitAnswered("answers from the spool while the broker is away", accepted() + 10, 0);
    String refusedId = postRefusedForGood();
    awaitAnswered("more spooled answers, a 1 MiB body among them", accepted() + 10, atLimitAccepted() + 1);
    SharedKafka.broker().start();
    awaitAnswered("acknowledged answers once the broker is back", accepted() + 50, 0);
    receiver.kill(); // SIGKILL: no shutdown hook, no flush
    receiver = startReceiver(spool, logs);
    awaitAnswered("load on the restarted receiver", Math.max(600, accepted() + 100), atLimitAccepted() + 1);
    loading.set(false);
    clients.shutdown();
    assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    Map<String, List<byte[]>> stored = awaitStored(acceptedBodies.keySet(), Duration.ofSeconds(90));
    Set<String> quarantined = awaitQuarantined(spool, Duration.ofSeconds(30));
    String ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    receiver.stop(20);

    Set<String> lost = new java.util.HashSet<>(acceptedBodies.keySet());
    lost.removeAll(stored.keySet());
    long duplicates = stored.values().stream().mapToLong(copies -> copies.size() - 1L).sum();
    long atLimit = acceptedBodies.values().stream().filter(body -> body.length() == AT_LIMIT).count();
    System.out.printf("Fault test: %d answered 200 (%d of them 1 MiB bodies, 1 refused for good by its topic), %d stored (%d ids twice), "
        + "%d quarantined, %d lost; %d answered 503, %d unanswered (receiver down)%n",
        acceptedBodies.size() + 1, atLimit, stored.size(), duplicates, quarantined.size(), lost.size(), refused.get(), unreachable.get());

    assertThat(acceptedBodies).hasSizeGreaterThan(500);
    assertThat(atLimit).isPositive();
    assertThat(lost).isEmpty();
    assertThat(quarantined).containsExactly(refusedId);
    assertThat(ready).contains("\"quarantined\":1");
    for (var accepted : acceptedBodies.entrySet()) {
      for (byte[] copy : stored.get(accepted.getKey())) {
        assertThat(new String(copy, StandardCharsets.UTF_8)).isEqualTo(accepted.getValue());
      }
    }
    assertPerClientOrder();
  }

  private int accepted() {
    return acceptedBodies.size();
  }

  private long atLimitAccepted() {
    return acceptedBodies.values().stream().filter(body -> body.length() == AT_LIMIT).count();
  }

  /** Waits (at most 90 s) until {@code total} requests were answered 200, {@code atLimit} of them 1 MiB bodies. */
  private void awaitAnswered(String phase, int total, long atLimit) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (accepted() < total || atLimitAccepted() < atLimit) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(phase + ": " + accepted() + " answered 200 (" + atLimitAccepted()
            + " of 1 MiB) within 90 s, expected " + total + " (" + atLimit + ")");
      }
      Thread.sleep(50);
    }
  }

  /** Each client waited for its answer before the next request: the first copies in the topic keep that order. */
  private void assertPerClientOrder() {
    List<String> firstCopies = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (ConsumerRecord<String, byte[]> record
        : TopicRecords.readAll(SharedKafka.broker().bootstrapServers(), Topics.RAW_NINOX.name(), false)) {
      String id = ReceiverHarness.header(record, "ce_id");
      if (TENANT.equals(record.key()) && seen.add(id)) {
        firstCopies.add(id);
      }
    }
    for (List<String> answered : answeredInOrder.values()) {
      List<String> inTopic = firstCopies.stream().filter(new java.util.HashSet<>(answered)::contains).toList();
      assertThat(inTopic).as("one client's records in the raw topic").containsExactlyElementsOf(answered);
    }
  }

  /** During the outage: an Alegra body larger than its topic takes, so the drain meets it after the outage. */
  private String postRefusedForGood() throws Exception {
    byte[] body = new byte[REFUSED_TOPIC_LIMIT * 4];
    new java.util.Random(11).nextBytes(body); // incompressible
    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/webhooks/alegra/" + TENANT + "?token=" + TOKEN))
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as("spooled while the broker is away: " + answer.body()).isEqualTo(200);
    return ReceiverHarness.idOf(answer);
  }

  private static Set<String> awaitQuarantined(Path spool, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Quarantine quarantine = new Quarantine(spool.resolve(Quarantine.DIRECTORY));
    while (quarantine.records().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    Set<String> ids = new java.util.HashSet<>();
    for (Path file : quarantine.records()) {
      ids.add(ReceiverHarness.header(toConsumerShape(Quarantine.read(file)), "ce_id"));
    }
    return ids;
  }

  private static ConsumerRecord<String, byte[]> toConsumerShape(org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> record) {
    return new ConsumerRecord<>(record.topic(), 0, 0, 0L, org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0,
        record.key(), record.value(), record.headers(), java.util.Optional.empty());
  }

  private static void setMaxMessageBytes(Admin admin, String value) throws Exception {
    ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.RAW_ALEGRA.name());
    admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
        new ConfigEntry("max.message.bytes", value), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
  }

  private void load(int client, AtomicBoolean loading) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    URI url = URI.create("http://127.0.0.1:" + port + "/webhooks/ninox/" + TENANT + "?token=" + TOKEN);
    List<String> answered = answeredInOrder.computeIfAbsent(client, c -> java.util.Collections.synchronizedList(new ArrayList<>()));
    for (long seq = 0; loading.get(); seq++) {
      // Client 4 sends bodies at the 1 MiB limit, one every 2 s (the test keeps every accepted body).
      String body = client == 4 ? atLimitBody(seq) : "[{\"articuloId\":" + client + ",\"seq\":" + seq + "}]";
      try {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200) {
          acceptedBodies.put(ReceiverHarness.idOf(answer), body);
          answered.add(ReceiverHarness.idOf(answer));
        } else {
          refused.incrementAndGet();
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception receiverDown) {
        unreachable.incrementAndGet();
      }
      try {
        Thread.sleep(client == 4 ? 2_000 : 5);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static String atLimitBody(long seq) {
    String head = "[{\"articuloId\":4,\"seq\":" + seq + ",\"descripcion\":\"";
    String tail = "\"}]";
    return head + "x".repeat(AT_LIMIT - head.length() - tail.length()) + tail;
  }

  private ChildProcess startReceiver(Path spool, Path logs) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of(
        "RECEIVER_HOST", "127.0.0.1",
        "RECEIVER_PORT", Integer.toString(port),
        "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.broker().bootstrapServers(),
        "WEBHOOK_TOKENS", "*:" + TENANT + "=" + TOKEN,
        "WEBHOOK_SECRETS_DIR", logs.resolve("no-secrets").toString(),
        "RECEIVER_SPOOL_DIR", spool.toString(),
        "RECEIVER_ACK_TIMEOUT_MS", "1000",
        "RECEIVER_CREATE_TOPICS", "false",
        "TOPIC_PARTITIONS", "3"));
    ChildProcess process = ChildProcess.startJava("receiver", List.of("-Xmx256m"),
        "lat.pipeline.receiver.ReceiverMain", List.of(), env, logs.resolve("receiver.log"));
    HttpProbe.awaitOk("receiver", URI.create("http://127.0.0.1:" + port + "/health/live"), process, Duration.ofSeconds(60));
    return process;
  }

  /** The stored copies of the test tenant's records by ce_id, once all expected ids are there (or the time is up). */
  private static Map<String, List<byte[]>> awaitStored(Set<String> expected, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, List<byte[]>> stored = readTenant();
    while (!stored.keySet().containsAll(expected) && System.nanoTime() < deadline) {
      Thread.sleep(1_000);
      stored = readTenant();
    }
    return stored;
  }

  private static Map<String, List<byte[]>> readTenant() {
    Map<String, List<byte[]>> byId = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record
        : TopicRecords.readAll(SharedKafka.broker().bootstrapServers(), Topics.RAW_NINOX.name(), false)) {
      if (TENANT.equals(record.key())) {
        byId.computeIfAbsent(ReceiverHarness.header(record, "ce_id"), id -> new ArrayList<>()).add(record.value());
      }
    }
    return byId;
  }
}

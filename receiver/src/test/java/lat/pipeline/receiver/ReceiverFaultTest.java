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
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Under steady load the broker is stopped for 30 s and started again, then the receiver (its own
 * process) is killed with SIGKILL and restarted on the same spool. Every request answered 200 must
 * be in the raw topic afterwards; an id may appear twice, none may be missing.
 */
@ExtendWith(SharedKafka.class)
class ReceiverFaultTest {

  private static final String TENANT = "fault-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String TOKEN = "fault-token-" + UUID.randomUUID();

  private final int port = Ports.free();
  private final Map<String, String> acceptedBodies = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong unreachable = new AtomicLong();

  @Test
  void everyRequestAnswered200SurvivesABrokerOutageAndAReceiverKill() throws Exception {
    Path spool = Files.createTempDirectory("fault-spool");
    Path logs = Files.createTempDirectory("fault-logs");
    ChildProcess receiver = startReceiver(spool, logs);
    AtomicBoolean loading = new AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(4);
    for (int c = 0; c < 4; c++) {
      int client = c;
      clients.submit(() -> load(client, loading));
    }

    Thread.sleep(3_000);
    SharedKafka.broker().stop();
    Thread.sleep(30_000);
    SharedKafka.broker().start();
    Thread.sleep(3_000);
    receiver.kill(); // SIGKILL: no shutdown hook, no flush
    receiver = startReceiver(spool, logs);
    Thread.sleep(4_000);
    loading.set(false);
    clients.shutdown();
    assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    Map<String, List<byte[]>> stored = awaitStored(acceptedBodies.keySet(), Duration.ofSeconds(90));
    receiver.stop(20);

    Set<String> missing = new java.util.HashSet<>(acceptedBodies.keySet());
    missing.removeAll(stored.keySet());
    long duplicates = stored.values().stream().mapToLong(copies -> copies.size() - 1L).sum();
    System.out.printf("Fault test: %d answered 200, %d stored (%d ids twice), %d missing; %d answered 503, %d unanswered (receiver down)%n",
        acceptedBodies.size(), stored.size(), duplicates, missing.size(), refused.get(), unreachable.get());

    assertThat(acceptedBodies).hasSizeGreaterThan(500);
    assertThat(missing).isEmpty();
    for (var accepted : acceptedBodies.entrySet()) {
      for (byte[] copy : stored.get(accepted.getKey())) {
        assertThat(new String(copy, StandardCharsets.UTF_8)).isEqualTo(accepted.getValue());
      }
    }
  }

  private void load(int client, AtomicBoolean loading) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    URI url = URI.create("http://127.0.0.1:" + port + "/webhooks/ninox/" + TENANT + "?token=" + TOKEN);
    for (long seq = 0; loading.get(); seq++) {
      String body = "[{\"articuloId\":" + client + ",\"seq\":" + seq + "}]";
      try {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200) {
          acceptedBodies.put(ReceiverHarness.idOf(answer), body);
        } else {
          refused.incrementAndGet();
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception receiverDown) {
        unreachable.incrementAndGet();
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private ChildProcess startReceiver(Path spool, Path logs) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of(
        "RECEIVER_HOST", "127.0.0.1",
        "RECEIVER_PORT", Integer.toString(port),
        "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.broker().bootstrapServers(),
        "WEBHOOK_TOKENS", "ninox:" + TENANT + "=" + TOKEN,
        "WEBHOOK_SECRETS_DIR", logs.resolve("no-secrets").toString(),
        "RECEIVER_SPOOL_DIR", spool.toString(),
        "RECEIVER_ACK_TIMEOUT_MS", "1000",
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

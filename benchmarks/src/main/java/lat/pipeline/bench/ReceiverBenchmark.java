package lat.pipeline.bench;

import io.javalin.Javalin;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lat.pipeline.config.Env;
import lat.pipeline.dev.Ports;
import lat.pipeline.dev.kafka.KafkaBroker;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.provisioning.TopicProvisioner;
import lat.pipeline.provisioning.TopicSettings;
import lat.pipeline.receiver.ReceiverConfig;
import lat.pipeline.receiver.ReceiverService;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code ./pipeline bench receiver}: the receiver's requests/s and answer latency with a real broker
 * and {@code acks=all}, next to a bare Javalin handler that answers 200 with no Kafka (the ceiling
 * of the HTTP stack on this machine), at each connection count, with the targets as ratios.
 * Options: {@code --clients N[,N...]} (default 64,256 concurrent connections) {@code --seconds S}. Uses {@code wrk} when installed.
 */
public final class ReceiverBenchmark {

  private ReceiverBenchmark() {}

  private interface LoadRun {
    LoadGenerator.Result run(String name, URI url, byte[] body) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args);
    // Webhooks arrive from many callers at once; acks=all batching needs that concurrency.
    List<Integer> connectionCounts = Arrays.stream(options.getOrDefault("clients", "64,256").split(","))
        .map(String::trim).map(Integer::valueOf).toList();
    Duration measured = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "15")));
    boolean wrkInstalled = WrkLoad.ifInstalled(1, Duration.ZERO, measured).isPresent();
    byte[] body = Files.readAllBytes(Fixtures.root().resolve("alegra/new-client.json"));

    System.out.printf("Receiver benchmark: %s closed-loop connections (%s), %s measured after a 5 s warm-up, %d-byte body, %d cores%n",
        connectionCounts, wrkInstalled ? "wrk" : "JDK HttpClient; install wrk for lighter load generation", measured,
        body.length, Runtime.getRuntime().availableProcessors());
    Map<Integer, LoadRun> loads = new LinkedHashMap<>();
    for (int connections : connectionCounts) {
      LoadGenerator jvmLoad = new LoadGenerator(connections, Duration.ofSeconds(5), measured);
      Optional<WrkLoad> wrk = WrkLoad.ifInstalled(connections, Duration.ofSeconds(5), measured);
      loads.put(connections, (name, url, payload) -> wrk.isPresent() ? wrk.get().run(name, url, payload) : jvmLoad.run(name, url, payload));
    }

    Map<Integer, LoadGenerator.Result> ceilings = new LinkedHashMap<>();
    Javalin bare = Javalin.create(config -> config.showJavalinBanner = false)
        .post("/bare", ctx -> { ctx.bodyAsBytes(); ctx.contentType("application/json").result("{\"id\":\"x\"}"); })
        .start("127.0.0.1", 0);
    for (var load : loads.entrySet()) {
      ceilings.put(load.getKey(), load.getValue().run("bare Javalin (no Kafka), " + load.getKey() + " conn",
          URI.create("http://127.0.0.1:" + bare.port() + "/bare"), body));
    }
    bare.stop();

    Path dataDir = Files.createTempDirectory("bench-kafka");
    try (KafkaBroker broker = KafkaBroker.start(dataDir, Ports.free(), Ports.free(), "1g");
         ReceiverService receiver = startedAfterRawTopicsLed(broker, dataDir)) {
      URI url = URI.create("http://127.0.0.1:" + receiver.port() + "/webhooks/alegra/bench?token=bench-token-0123456789");
      Map<Integer, LoadGenerator.Result> receivers = new LinkedHashMap<>();
      for (var load : loads.entrySet()) {
        receivers.put(load.getKey(), load.getValue().run("receiver -> Kafka (acks=all), " + load.getKey() + " conn", url, body));
      }

      System.out.println();
      ceilings.values().forEach(System.out::println);
      receivers.values().forEach(System.out::println);
      Target.header();
      for (int connections : connectionCounts) {
        LoadGenerator.Result ceiling = ceilings.get(connections);
        LoadGenerator.Result withKafka = receivers.get(connections);
        Target.atLeast("receiver / bare Javalin, req/s, " + connections + " connections",
            withKafka.requestsPerSecond(), ceiling.requestsPerSecond(), 0.75);
        Target.atMost("receiver / bare Javalin, p99 ms, " + connections + " connections",
            withKafka.p99Micros() / 1000.0, ceiling.p99Micros() / 1000.0, 1.25);
      }
      System.out.println("  (the spool-path target, broker frozen, is not driven by this benchmark)");
    }
  }

  /**
   * Creates the raw topics and writes one record to each raw.alegra partition before the receiver
   * starts: requests that reach a partition the broker has not finished creating can leave the
   * idempotent producer retrying a batch for good (KAFKA-15591), and every answer then comes
   * from the spool, which is not the path measured here.
   */
  private static ReceiverService startedAfterRawTopicsLed(KafkaBroker broker, Path dataDir) throws Exception {
    KafkaClients kafka = broker.clients();
    try (Admin admin = kafka.admin(Map.of())) {
      TopicProvisioner.ensure(admin, Topics.RAW, new TopicSettings(2, (short) 1, -1, 604_800_000L));
    }
    try (KafkaProducer<String, byte[]> producer = kafka.bytesProducer(Map.of(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1))) {
      for (var partition : producer.partitionsFor(Topics.RAW_ALEGRA.name())) {
        producer.send(new ProducerRecord<>(Topics.RAW_ALEGRA.name(), partition.partition(), "warm-up", new byte[0])).get();
      }
    }
    return new ReceiverService(ReceiverConfig.fromEnv(new Env(Map.of(
        "RECEIVER_HOST", "127.0.0.1",
        "RECEIVER_PORT", "0",
        "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
        "WEBHOOK_TOKENS", "*:bench=bench-token-0123456789",
        "WEBHOOK_SECRETS_DIR", dataDir.resolve("no-secrets").toString(),
        "RECEIVER_SPOOL_DIR", dataDir.resolve("spool").toString())))).start();
  }
}

package lat.pipeline.bench;

import io.javalin.Javalin;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import lat.pipeline.config.Env;
import lat.pipeline.dev.Ports;
import lat.pipeline.dev.kafka.KafkaBroker;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.receiver.ReceiverConfig;
import lat.pipeline.receiver.ReceiverService;

/**
 * {@code ./pipeline bench receiver}: the receiver's requests/s and answer latency with a real broker
 * and {@code acks=all}, next to a bare Javalin handler that answers 200 with no Kafka (the ceiling
 * of the HTTP stack on this machine). Options: {@code --clients N} (default 128
 * concurrent connections) {@code --seconds S}. Uses {@code wrk} when installed.
 */
public final class ReceiverBenchmark {

  private ReceiverBenchmark() {}

  private interface LoadRun {
    LoadGenerator.Result run(String name, URI url, byte[] body) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args);
    // Webhooks arrive from many callers at once; acks=all batching needs that concurrency.
    int clients = Integer.parseInt(options.getOrDefault("clients", "128"));
    Duration measured = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "15")));
    LoadGenerator jvmLoad = new LoadGenerator(clients, Duration.ofSeconds(5), measured);
    Optional<WrkLoad> wrk = WrkLoad.ifInstalled(clients, Duration.ofSeconds(5), measured);
    byte[] body = Files.readAllBytes(Fixtures.root().resolve("alegra/new-client.json"));

    System.out.printf("Receiver benchmark: %d closed-loop clients (%s), %s measured after a 5 s warm-up, %d-byte body, %d cores%n",
        clients, wrk.isPresent() ? "wrk" : "JDK HttpClient; install wrk for lighter load generation", measured,
        body.length, Runtime.getRuntime().availableProcessors());
    LoadRun load = (name, url, payload) -> wrk.isPresent() ? wrk.get().run(name, url, payload) : jvmLoad.run(name, url, payload);

    Javalin bare = Javalin.create(config -> config.showJavalinBanner = false)
        .post("/bare", ctx -> { ctx.bodyAsBytes(); ctx.contentType("application/json").result("{\"id\":\"x\"}"); })
        .start("127.0.0.1", 0);
    LoadGenerator.Result ceiling = load.run("bare Javalin (no Kafka)", URI.create("http://127.0.0.1:" + bare.port() + "/bare"), body);
    bare.stop();

    Path dataDir = Files.createTempDirectory("bench-kafka");
    try (KafkaBroker broker = KafkaBroker.start(dataDir, Ports.free(), Ports.free(), "1g");
         ReceiverService receiver = new ReceiverService(ReceiverConfig.fromEnv(new Env(Map.of(
             "RECEIVER_HOST", "127.0.0.1",
             "RECEIVER_PORT", "0",
             "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
             "WEBHOOK_TOKENS", "*:bench=bench-token-0123456789",
             "WEBHOOK_SECRETS_DIR", dataDir.resolve("no-secrets").toString(),
             "RECEIVER_SPOOL_DIR", dataDir.resolve("spool").toString())))).start()) {
      URI url = URI.create("http://127.0.0.1:" + receiver.port() + "/webhooks/alegra/bench?token=bench-token-0123456789");
      LoadGenerator.Result withKafka = load.run("receiver -> Kafka (acks=all)", url, body);

      System.out.println();
      System.out.println(ceiling);
      System.out.println(withKafka);
      double share = withKafka.requestsPerSecond() / ceiling.requestsPerSecond();
      System.out.printf("%nreceiver / ceiling: %.0f%% (target >= 50%%), receiver p99 %.2f ms (target < 50 ms): %s%n",
          share * 100, withKafka.p99Micros() / 1000.0,
          share >= 0.5 && withKafka.p99Micros() < 50_000 ? "MET" : "NOT MET");
    }
  }
}

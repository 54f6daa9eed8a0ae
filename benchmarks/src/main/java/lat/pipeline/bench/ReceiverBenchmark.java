package lat.pipeline.bench;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lat.pipeline.config.Env;
import lat.pipeline.dev.Ports;
import lat.pipeline.dev.ScratchDirectory;
import lat.pipeline.dev.kafka.KafkaBroker;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.provisioning.TopicProvisioner;
import lat.pipeline.provisioning.TopicSettings;
import lat.pipeline.receiver.ReceiverConfig;
import lat.pipeline.receiver.ReceiverService;
import lat.pipeline.schemas.RawRecords;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./pipeline bench receiver}: the receiver's requests/s and answer latency with a real broker
 * and {@code acks=all}, next to a bare Javalin handler that answers 200 with no Kafka (the ceiling
 * of the HTTP stack on this machine), at each connection count, with the targets as ratios.
 * Both servers live in this JVM and are warmed up alike before either is measured. Then the broker
 * is frozen (SIGSTOP) and the receiver measured again while it answers from the spool; after the
 * thaw the spool drains, and every 200 answered is looked for in {@code raw.alegra} by its id.
 * Options: {@code --clients N[,N...]} (default 64,256 concurrent connections) {@code --seconds S}
 * (measured, default 15; each load is warmed up 5 s first). Uses {@code wrk} when installed.
 */
public final class ReceiverBenchmark {

  private static final Duration WARM_UP = Duration.ofSeconds(5);
  private static final Duration DRAIN_BOUND = Duration.ofMinutes(3);
  private static final Pattern DURABLE_COUNT =
      Pattern.compile("(?m)^webhook_requests_total\\{outcome=\"(?:stored|spooled)\",provider=\"alegra\"\\} (\\S+)$");
  private static final Pattern PRODUCER_FIGURES = Pattern.compile(
      "(?m)^kafka_producer_(request_latency_avg|record_queue_time_avg|records_per_request_avg|batch_size_avg)\\{[^}]*client_id=\"receiver\"[^}]*\\} (\\S+)$");
  private static final Pattern SPOOL_DEPTH = Pattern.compile("(?m)^receiver_spool_records (\\S+)$");

  private ReceiverBenchmark() {}

  private interface LoadRun {
    LoadGenerator.Result run(String name, URI url, byte[] body, Duration duration) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args);
    // Webhooks arrive from many callers at once; acks=all batching needs that concurrency.
    List<Integer> connectionCounts = Arrays.stream(options.getOrDefault("clients", "64,256").split(","))
        .map(String::trim).map(Integer::valueOf).toList();
    Duration measured = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "15")));
    boolean wrkInstalled = WrkLoad.ifInstalled(1).isPresent();
    byte[] body = Files.readAllBytes(Fixtures.root().resolve("alegra/new-client.json"));

    System.out.printf("Receiver benchmark: %s closed-loop connections (%s), %s measured after a %d s warm-up of each server, "
            + "%d-byte body, %d cores%n",
        connectionCounts, wrkInstalled ? "wrk" : "JDK HttpClient; install wrk (Debian: apt-get install -y wrk) for lighter load generation",
        measured, WARM_UP.toSeconds(), body.length, Runtime.getRuntime().availableProcessors());
    Map<Integer, LoadRun> loads = new LinkedHashMap<>();
    for (int connections : connectionCounts) {
      LoadGenerator jvmLoad = new LoadGenerator(connections);
      Optional<WrkLoad> wrk = WrkLoad.ifInstalled(connections);
      loads.put(connections, (name, url, payload, duration) ->
          wrk.isPresent() ? wrk.get().run(name, url, payload, duration) : jvmLoad.run(name, url, payload, duration));
    }

    Javalin bare = Javalin.create(config -> config.showJavalinBanner = false)
        .post("/bare", ctx -> { ctx.bodyAsBytes(); ctx.contentType("application/json").result("{\"id\":\"x\"}"); })
        .start("127.0.0.1", 0);
    try (ScratchDirectory scratch = ScratchDirectory.create("bench-kafka");
         KafkaBroker broker = KafkaBroker.start(scratch.path(), Ports.free(), Ports.free(), "1g");
         ReceiverService receiver = startedAfterRawTopicsLed(broker, scratch.path());
         RawIds stored = new RawIds(broker.clients())) {
      URI bareUrl = URI.create("http://127.0.0.1:" + bare.port() + "/bare");
      URI receiverUrl = URI.create("http://127.0.0.1:" + receiver.port() + "/webhooks/alegra/bench?token=bench-token-0123456789");
      URI metricsUrl = URI.create("http://127.0.0.1:" + receiver.port() + "/metrics");
      long answered200 = 0;
      // The servers share this JVM's JIT and its Jetty code: neither is measured before both are warm.
      for (var load : loads.entrySet()) {
        load.getValue().run("warm-up", bareUrl, body, WARM_UP);
        answered200 += load.getValue().run("warm-up", receiverUrl, body, WARM_UP).answered200();
      }
      Map<Integer, LoadGenerator.Result> ceilings = new LinkedHashMap<>();
      Map<Integer, LoadGenerator.Result> receivers = new LinkedHashMap<>();
      Map<Integer, String> producerFigures = new LinkedHashMap<>();
      for (var load : loads.entrySet()) {
        ceilings.put(load.getKey(), load.getValue().run("bare Javalin (no Kafka), " + load.getKey() + " conn", bareUrl, body, measured));
        LoadGenerator.Result result = load.getValue().run("receiver -> Kafka (acks=all), " + load.getKey() + " conn", receiverUrl, body, measured);
        receivers.put(load.getKey(), result);
        answered200 += result.answered200();
        producerFigures.put(load.getKey(), producerFigures(scrape(metricsUrl)));
      }
      stored.catchUp();
      String healthyCheck = everyAnswerStored("broker healthy", answered200, scrape(metricsUrl), stored);

      // Frozen, not stopped: connections stay open and nothing answers, the worst case for the ack timeout.
      broker.freeze();
      Map<Integer, LoadGenerator.Result> spooled = new LinkedHashMap<>();
      try {
        for (var load : loads.entrySet()) {
          answered200 += load.getValue().run("warm-up", receiverUrl, body, WARM_UP).answered200();
          LoadGenerator.Result result = load.getValue().run("receiver -> spool (broker frozen), " + load.getKey() + " conn",
              receiverUrl, body, measured);
          spooled.put(load.getKey(), result);
          answered200 += result.answered200();
        }
      } finally {
        broker.thaw();
      }
      long drainStarted = System.nanoTime();
      String metrics = awaitSpoolDrained(metricsUrl);
      double drainSeconds = (System.nanoTime() - drainStarted) / 1e9;
      stored.catchUp();
      String frozenCheck = everyAnswerStored("after the broker froze and thawed", answered200, metrics, stored);

      System.out.println();
      ceilings.values().forEach(System.out::println);
      receivers.values().forEach(System.out::println);
      producerFigures.forEach((connections, figures) -> System.out.println("  producer at " + connections + " conn: " + figures));
      spooled.values().forEach(System.out::println);
      System.out.printf("spool drained into Kafka %.1f s after the thaw%n", drainSeconds);
      Target.header();
      for (int connections : connectionCounts) {
        LoadGenerator.Result ceiling = ceilings.get(connections);
        LoadGenerator.Result withKafka = receivers.get(connections);
        Target.atLeast("receiver / bare Javalin, req/s, " + connections + " connections",
            withKafka.requestsPerSecond(), ceiling.requestsPerSecond(), 0.75);
        Target.atMost("receiver / bare Javalin, p99 ms, " + connections + " connections",
            withKafka.p99Micros() / 1000.0, ceiling.p99Micros() / 1000.0, 1.25);
      }
      for (int connections : connectionCounts) {
        Target.atLeast("broker frozen / healthy, receiver req/s, " + connections + " conn",
            spooled.get(connections).requestsPerSecond(), receivers.get(connections).requestsPerSecond(), 0.5);
      }
      System.out.println(healthyCheck);
      System.out.println(frozenCheck);
    } finally {
      bare.stop();
    }
  }

  /**
   * Every 200 is in Kafka: the ids in {@code raw.alegra} (less the ones still in the spool) are at
   * least as many as the 200s the load counted and as the receiver counted durable. The load's count
   * can be below the receiver's: a request in flight when the load stops is stored, not counted.
   */
  private static String everyAnswerStored(String phase, long answered200, String metrics, RawIds stored) {
    long countedDurable = DURABLE_COUNT.matcher(metrics).results().mapToLong(line -> (long) Double.parseDouble(line.group(1))).sum();
    long inSpool = (long) Double.parseDouble(metric(metrics, SPOOL_DEPTH));
    long distinct = stored.distinct();
    boolean met = inSpool == 0 && distinct >= answered200 && distinct >= countedDurable;
    return String.format("  every 200 in Kafka, %-36s %d answered 200, %d counted durable by the receiver, %d distinct ids "
            + "in raw.alegra (%d records), %d still in the spool: %s",
        phase + ":", answered200, countedDurable, distinct, stored.records(), inSpool, met ? "MET" : "NOT MET");
  }

  /** The receiver producer's own averages (its last minute): why an answer waits as long as it does. */
  private static String producerFigures(String metrics) {
    Map<String, String> figures = new LinkedHashMap<>();
    PRODUCER_FIGURES.matcher(metrics).results().forEach(line ->
        figures.put(line.group(1).replace('_', ' '), String.format("%.1f", Double.parseDouble(line.group(2)))));
    return figures.toString();
  }

  private static String awaitSpoolDrained(URI metricsUrl) throws Exception {
    long deadline = System.nanoTime() + DRAIN_BOUND.toNanos();
    while (true) {
      String metrics = scrape(metricsUrl);
      if (Double.parseDouble(metric(metrics, SPOOL_DEPTH)) == 0 || System.nanoTime() > deadline) {
        return metrics;
      }
      Thread.sleep(200);
    }
  }

  private static String scrape(URI metricsUrl) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(metricsUrl).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static String metric(String metrics, Pattern pattern) {
    Matcher matcher = pattern.matcher(metrics);
    if (!matcher.find()) {
      throw new IllegalStateException("No " + pattern + " in the receiver's metrics");
    }
    return matcher.group(1);
  }

  /** The distinct {@code ce_id}s in raw.alegra, read on from where the last call stopped. */
  private static final class RawIds implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Set<String> ids = new HashSet<>();
    private long records;

    RawIds(KafkaClients kafka) {
      consumer = kafka.consumer(Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000),
          new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
          new org.apache.kafka.common.serialization.ByteArrayDeserializer());
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.RAW_ALEGRA.name()).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    void catchUp() {
      Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
      while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          String id = RawRecords.idOf(record.headers());
          if (id != null) {
            ids.add(id);
            records++;
          }
        }
      }
    }

    long distinct() {
      return ids.size();
    }

    long records() {
      return records;
    }

    @Override
    public void close() {
      consumer.close();
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
